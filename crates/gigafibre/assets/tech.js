// The tech app: installs the service worker, and reads codes with the
// camera on the scan page (the browser's BarcodeDetector where there is
// one, else the ZXing library shipped with the app). Typing a code always
// works without either.

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/j/sw.js", { scope: "/j" }).catch(() => {});
}

const scanner = document.querySelector("[data-scanner]");
if (scanner && navigator.mediaDevices?.getUserMedia) {
  const button = scanner.querySelector("[data-camera]");
  const video = scanner.querySelector("[data-preview]");
  const status = scanner.querySelector("[data-camera-status]");
  const form = scanner.querySelector("[data-code-form]");
  button.hidden = false;

  const found = (code) => {
    form.querySelector("[name=code]").value = code;
    form.requestSubmit();
  };

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      if ("BarcodeDetector" in window) {
        await withDetector(video, found);
      } else {
        await withZxing(video, found);
      }
      status.textContent = "";
    } catch (error) {
      status.textContent = document.documentElement.lang === "en"
        ? "The camera is not available; type the code."
        : "La caméra n'est pas disponible; tapez le code.";
      video.hidden = true;
      button.disabled = false;
    }
  });
}

async function withDetector(video, found) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const detector = new BarcodeDetector();
  const look = async () => {
    const codes = await detector.detect(video).catch(() => []);
    if (codes.length > 0) {
      stream.getTracks().forEach((track) => track.stop());
      found(codes[0].rawValue);
      return;
    }
    requestAnimationFrame(look);
  };
  look();
}

async function withZxing(video, found) {
  if (!window.ZXingBrowser) {
    await new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/static/vendor/zxing-browser.min.js";
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
  }
  video.hidden = false;
  const reader = new window.ZXingBrowser.BrowserMultiFormatReader();
  const controls = await reader.decodeFromVideoDevice(undefined, video, (result) => {
    if (result) {
      controls.stop();
      found(result.getText());
    }
  });
}
