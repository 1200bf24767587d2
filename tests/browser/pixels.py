"""Reading pixels out of the page."""

import base64

import numpy as np

JS_PIXELS = """(img) => {
  let s = ''; const d = img.data;
  for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
  return {width: img.width, height: img.height, b64: btoa(s)};
}"""


def to_array(obj):
    """Turn {width, height, b64} from the page into an H×W×4 uint8 array."""
    data = np.frombuffer(base64.b64decode(obj["b64"]), dtype=np.uint8)
    return data.reshape(obj["height"], obj["width"], 4)


def page_pixels(page, expression):
    """Evaluate a JS expression that yields ImageData (or a canvas) and return its pixels."""
    obj = page.evaluate(
        f"""async () => {{
          let img = await ({expression});
          if (img instanceof HTMLCanvasElement) img = img.getContext('2d').getImageData(0, 0, img.width, img.height);
          return ({JS_PIXELS})(img);
        }}"""
    )
    return to_array(obj)
