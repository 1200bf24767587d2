// The photograph opened as a user's PNG file, through the page's file input.
export default async () => {
  const c = document.createElement("canvas");
  c.width = window.__photo.width;
  c.height = window.__photo.height;
  c.getContext("2d").putImageData(window.__photo, 0, 0);
  const blob = await new Promise((r) => c.toBlob(r));
  const dt = new DataTransfer();
  dt.items.add(new File([blob], "photo.png", { type: "image/png" }));
  const input = document.querySelector("#file-input");
  input.files = dt.files;
  input.dispatchEvent(new Event("change"));
};
