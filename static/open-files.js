// @ts-check
// Files the learner gives the full page: chosen with Open file…, dropped on the page or pasted.
// One file opens in the image workspace; several, or a folder, run through the batch.
import { droppedFiles } from "./batch.js";

/**
 * @param {HTMLInputElement} input the Open file… input
 * @param {import("./image-view.js").ImageView} images @param {import("./batch.js").Batch} batch
 */
export function openFiles(input, images, batch) {
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (file) images.openFile(file);
    input.value = "";
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", async (e) => {
    e.preventDefault();
    if (!e.dataTransfer) return;
    const { files, many } = await droppedFiles(e.dataTransfer);
    if (many) batch.run(files);
    else if (files.length) images.openFile(files[0].file);
  });
  document.addEventListener("paste", (e) => {
    const file = e.clipboardData?.files?.[0];
    if (file) images.openFile(file);
  });
}
