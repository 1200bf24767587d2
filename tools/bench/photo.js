// The Chelsea sample drawn at `width` × `height`: kept as window.__photo for the runs, and
// returned as base64 RGBA for the CPython side.
export default async ([width, height]) => {
  const c = document.createElement("canvas");
  c.width = width;
  c.height = height;
  const cx = c.getContext("2d");
  cx.drawImage(await createImageBitmap(await ndlab.loadSample("chelsea")), 0, 0, c.width, c.height);
  window.__photo = cx.getImageData(0, 0, c.width, c.height);
  let s = "";
  const d = window.__photo.data;
  for (let i = 0; i < d.length; i += 0x8000)
    s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
  return btoa(s);
};
