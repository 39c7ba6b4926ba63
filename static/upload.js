// Drag and drop onto the upload box: dropped files go into the form's file input, which is
// submitted as usual (the page works without this script through the file picker).
(() => {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("upload-files");
  const chosen = document.getElementById("upload-chosen");
  if (!zone || !input) return;

  const describe = () => {
    const n = input.files ? input.files.length : 0;
    chosen.textContent = n ? `${n} file${n === 1 ? "" : "s"} chosen` : "";
  };
  const stop = (event) => { event.preventDefault(); event.stopPropagation(); };

  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
    stop(event);
    zone.classList.add("dragover");
  }));
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, (event) => {
    stop(event);
    zone.classList.remove("dragover");
  }));
  zone.addEventListener("drop", (event) => {
    const dropped = event.dataTransfer ? event.dataTransfer.files : null;
    if (!dropped || !dropped.length) return;
    const all = new DataTransfer();
    for (const file of input.files) all.items.add(file);
    for (const file of dropped) all.items.add(file);
    input.files = all.files;
    describe();
  });
  input.addEventListener("change", describe);
})();
