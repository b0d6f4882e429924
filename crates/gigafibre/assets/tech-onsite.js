// The job page's records of the visit: ticking the checklist, taking
// photos, and the customer's signature on a pad. Each is shown at once and
// handed to the offline queue, which sends it in order with everything else
// the technician did (a signature made offline reaches the server before a
// completion made after it); the page then shows what the server answered,
// or why it refused. The words shown come from the page (data-msg-*).
import { enqueue, waitingFor } from "/static/tech-queue.js";

const root = document.querySelector("[data-onsite]");
if (root) {
  const job = root.dataset.job;
  const say = (element, text) => { if (element) element.textContent = text; };
  const refusal = (action) => root.dataset.msgFailed + action.problem;
  const photoStatus = root.querySelector("[data-photo-status]");
  const signatureStatus = root.querySelector("[data-signature-status]");
  const boxOf = (index) => root.querySelector(`[data-checklist="${index}"]`);
  const stateOf = (box) => box?.closest("li").querySelector("[data-state]");

  /** Shows a waiting tick, photo or signature as it will be once sent. */
  const showWaiting = {
    tick(action) {
      const box = boxOf(action.about.index);
      if (box) box.checked = action.about.checked;
      say(stateOf(box), root.dataset.msgQueued);
    },
    photo(action) {
      addThumbnail(URL.createObjectURL(action.body), action.key);
      say(photoStatus, root.dataset.msgQueued);
    },
    signature(action) {
      const { signer_name: signer, png_base64: png } = JSON.parse(action.body);
      showSignature(png, signer, new Date(action.seq));
      say(signatureStatus, root.dataset.msgQueued);
    },
  };
  /** Shows what the server recorded. */
  const showApplied = {
    tick(action) {
      say(stateOf(boxOf(action.about.index)), root.dataset.msgSaved);
    },
    photo(action, answer) {
      const thumb = root.querySelector(`[data-thumbs] [data-key="${action.key}"]`);
      if (thumb && answer.url) {
        URL.revokeObjectURL(thumb.href);
        thumb.href = answer.url;
        thumb.querySelector("img").src = answer.url;
      }
      say(photoStatus, root.dataset.msgSaved);
    },
    signature(action, answer) {
      if (answer.url) showSignature(`${answer.url}?at=${Date.now()}`, answer.signer_name, new Date(answer.signed_at));
      say(signatureStatus, root.dataset.msgSigned);
    },
  };
  /** Undoes what a refused action showed, and says why with the server's words. */
  const showRefused = {
    tick(action) {
      const box = boxOf(action.about.index);
      if (box) box.checked = !action.about.checked;
      say(stateOf(box), refusal(action));
    },
    photo(action) {
      root.querySelector(`[data-thumbs] [data-key="${action.key}"]`)?.remove();
      root.querySelector("[data-no-photos]").hidden = root.querySelector("[data-thumbs] a") !== null;
      say(photoStatus, refusal(action));
    },
    signature(action) {
      say(signatureStatus, refusal(action));
    },
  };
  const mine = (action) => String(action.job) === job && action.about?.kind in showApplied;
  window.addEventListener("tech-queue:applied", ({ detail: { action, answer } }) => {
    if (mine(action)) showApplied[action.about.kind](action, answer);
  });
  window.addEventListener("tech-queue:refused", ({ detail: { action } }) => {
    if (mine(action)) showRefused[action.about.kind](action);
  });

  /** What the queue's list of refusals calls each kind of action. */
  const titles = { tick: root.dataset.titleTick, photo: root.dataset.titlePhoto, signature: root.dataset.titleSignature };
  /** Shows the action at once and hands it to the queue. */
  const record = async (about, request) => {
    const title = `${titles[about.kind]} · #${job}`;
    await enqueue({ job, title, about, show: showWaiting[about.kind], ...request });
  };

  for (const box of root.querySelectorAll("[data-checklist]")) {
    box.addEventListener("change", () => {
      const index = Number(box.dataset.checklist);
      record({ kind: "tick", index, checked: box.checked }, {
        method: "PUT",
        url: `/api/v1/jobs/${job}/checklist/${index}`,
        body: JSON.stringify({ checked: box.checked }),
      });
    });
  }

  const input = root.querySelector("[data-photo]");
  input?.addEventListener("change", async () => {
    for (const file of input.files) {
      const photo = await fitForUpload(file);
      await record({ kind: "photo" }, { url: `/api/v1/jobs/${job}/photos`, contentType: photo.type, body: photo });
    }
    input.value = "";
  });

  const form = root.querySelector("[data-signature]");
  if (form) signaturePad(form);

  // A page read from the phone's copy shows what still waits to be sent.
  waitingFor(job)
    .then((waiting) => waiting.filter(mine).forEach((action) => showWaiting[action.about.kind](action)))
    .catch(() => {});

  function addThumbnail(url, key) {
    const link = Object.assign(document.createElement("a"), { href: url, target: "_blank" });
    link.dataset.key = key;
    link.append(Object.assign(document.createElement("img"), { src: url, alt: root.dataset.msgPhotoAlt }));
    root.querySelector("[data-thumbs]").append(link);
    root.querySelector("[data-no-photos]").hidden = true;
  }

  function showSignature(src, signer, at) {
    const kept = root.querySelector("[data-signature-kept]");
    kept.querySelector("[data-signature-image]").src = src;
    say(kept.querySelector("[data-signer]"), signer);
    say(kept.querySelector("[data-signed-at]"), at.toLocaleString(document.documentElement.lang));
    kept.hidden = false;
    root.querySelector("[data-signature-needed]")?.remove();
    const again = root.querySelector("[data-resign]");
    if (again) {
      again.open = false;
      again.querySelector("summary").hidden = false;
    }
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
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = form.elements.signer_name;
      if (!drawn) return say(status, root.dataset.msgEmptyPad);
      if (!name.value.trim()) {
        name.focus();
        return say(status, name.validationMessage || name.labels[0].textContent);
      }
      record({ kind: "signature" }, {
        url: `/api/v1/jobs/${job}/signature`,
        body: JSON.stringify({ signer_name: name.value.trim(), png_base64: canvas.toDataURL("image/png") }),
      });
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
