// The job page's records of the visit: ticking the checklist, taking
// photos, and the customer's signature on a pad. Every write goes through
// sendAction; the words shown come from the page (data-msg-*).
import { sendAction } from "/static/tech-send.js";

const root = document.querySelector("[data-onsite]");
if (root) {
  const job = root.dataset.job;
  const say = (element, text) => { if (element) element.textContent = text; };
  const why = (answer) => answer.offline ? root.dataset.msgOffline : root.dataset.msgFailed + (answer.data?.detail ?? answer.status);

  for (const box of root.querySelectorAll("[data-checklist]")) {
    box.addEventListener("change", async () => {
      const state = box.closest("li").querySelector("[data-state]");
      const answer = await sendAction({
        method: "PUT",
        url: `/api/v1/jobs/${job}/checklist/${box.dataset.checklist}`,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ checked: box.checked }),
      });
      if (answer.ok) {
        say(state, root.dataset.msgSaved);
      } else {
        box.checked = !box.checked;
        say(state, why(answer));
      }
    });
  }

  const input = root.querySelector("[data-photo]");
  input?.addEventListener("change", async () => {
    const status = root.querySelector("[data-photo-status]");
    for (const file of input.files) {
      say(status, root.dataset.msgSending);
      const photo = await fitForUpload(file);
      const answer = await sendAction({
        method: "POST",
        url: `/api/v1/jobs/${job}/photos`,
        headers: { "Content-Type": photo.type },
        body: photo,
      });
      if (!answer.ok) {
        say(status, why(answer));
        continue;
      }
      say(status, root.dataset.msgSaved);
      addThumbnail(answer.data.url);
    }
    input.value = "";
  });

  const form = root.querySelector("[data-signature]");
  if (form) signaturePad(form);

  function addThumbnail(url) {
    const link = Object.assign(document.createElement("a"), { href: url, target: "_blank" });
    link.append(Object.assign(document.createElement("img"), { src: url, alt: root.dataset.msgPhotoAlt }));
    root.querySelector("[data-thumbs]").append(link);
    root.querySelector("[data-no-photos]").hidden = true;
  }

  function signaturePad(form) {
    const canvas = form.querySelector("[data-pad]");
    const status = root.querySelector("[data-signature-status]");
    const pen = canvas.getContext("2d");
    let drawn = false;
    let last = null;

    // Sized to the screen's pixels. The on-screen keyboard or a rotation
    // resizes the window: only a new width redraws, and what was signed is
    // kept, scaled to the new size.
    const fit = () => {
      const ratio = window.devicePixelRatio || 1;
      const width = Math.round(canvas.clientWidth * ratio);
      if (width === canvas.width) return;
      const before = drawn ? copyOf(canvas) : null;
      canvas.width = width;
      canvas.height = Math.round(canvas.clientHeight * ratio);
      if (before) pen.drawImage(before, 0, 0, canvas.width, canvas.height);
      pen.setTransform(ratio, 0, 0, ratio, 0, 0);
      pen.lineWidth = 2.5;
      pen.lineCap = "round";
      pen.lineJoin = "round";
      pen.strokeStyle = pen.fillStyle = "#10243e";
    };
    const at = (event) => {
      const box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    };
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      last = at(event);
      pen.beginPath();
      pen.arc(last.x, last.y, 1, 0, Math.PI * 2);
      pen.fill();
      drawn = true;
      say(status, "");
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!last) return;
      const next = at(event);
      pen.beginPath();
      pen.moveTo(last.x, last.y);
      pen.lineTo(next.x, next.y);
      pen.stroke();
      last = next;
    });
    const lift = () => { last = null; };
    canvas.addEventListener("pointerup", lift);
    canvas.addEventListener("pointercancel", lift);
    form.querySelector("[data-clear]").addEventListener("click", () => {
      pen.save();
      pen.setTransform(1, 0, 0, 1, 0, 0);
      pen.clearRect(0, 0, canvas.width, canvas.height);
      pen.restore();
      drawn = false;
      say(status, "");
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = form.elements.signer_name;
      if (!drawn) return say(status, root.dataset.msgEmptyPad);
      if (!name.value.trim()) {
        name.focus();
        return say(status, name.validationMessage || name.labels[0].textContent);
      }
      const answer = await sendAction({
        method: "POST",
        url: `/api/v1/jobs/${job}/signature`,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ signer_name: name.value.trim(), png_base64: canvas.toDataURL("image/png") }),
      });
      if (!answer.ok) return say(status, why(answer));
      say(status, root.dataset.msgSigned);
      const kept = root.querySelector("[data-signature-kept]");
      kept.querySelector("[data-signature-image]").src = `${answer.data.url}?at=${Date.now()}`;
      say(kept.querySelector("[data-signer]"), answer.data.signer_name);
      say(kept.querySelector("[data-signed-at]"), new Date(answer.data.signed_at).toLocaleString(document.documentElement.lang));
      kept.hidden = false;
      root.querySelector("[data-signature-needed]")?.remove();
      const again = root.querySelector("[data-resign]");
      again.open = false;
      again.querySelector("summary").hidden = false;
    });
    fit();
    window.addEventListener("resize", fit);
  }
}

/** A copy of what a canvas shows. */
function copyOf(canvas) {
  const copy = Object.assign(document.createElement("canvas"), { width: canvas.width, height: canvas.height });
  copy.getContext("2d").drawImage(canvas, 0, 0);
  return copy;
}

/** A photo small enough for a slow network: the camera's file when it is a
 *  modest JPEG, PNG or WebP, else re-encoded as a JPEG at most 2048 px wide. */
async function fitForUpload(file) {
  const kept = ["image/jpeg", "image/png", "image/webp"];
  if (kept.includes(file.type) && file.size <= 2 * 1024 * 1024) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 2048 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await new Promise((done) => canvas.toBlob((blob) => done(blob ?? file), "image/jpeg", 0.85));
  } catch {
    return file;
  }
}
