"""Colour conversions: whole RGB images in, grey out."""

from .convert import rgb_to_grey
from .registry import Param, operation

operation(
    category="colour",
    title="To greyscale",
    channels="colour",
    output="clip",
    memory=2,
    name_as="grey",
    chunking=0,
)(rgb_to_grey)


@operation(
    category="colour",
    title="Split channel",
    params=[
        Param(
            "channel",
            "choice",
            "red",
            choices=("red", "green", "blue"),
            help="The colour channel shown as a grey image.",
        )
    ],
    channels="colour",
    output="clip",
    memory=1.5,
    chunking=0,
)
def split_channel(image, *, channel="red"):
    """Show one colour channel as a grey image.

    Parameters
    ----------
    image : (M, N, 3) ndarray of float64
        Colour image.
    channel : {"red", "green", "blue"}
        The channel kept.

    Returns
    -------
    (M, N) ndarray of float64
        That channel: bright where the colour has much of it.

    Examples
    --------
    >>> image = np.zeros((1, 1, 3))
    >>> image[0, 0] = [10.0, 20.0, 30.0]
    >>> split_channel(image, channel="blue")
    array([[30.]])
    """
    return image[..., ("red", "green", "blue").index(channel)]
