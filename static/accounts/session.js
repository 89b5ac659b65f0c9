// The idle-timeout warning (accounts/): shortly before the session would end, a dialog offers to
// stay signed in. The server's answer is the truth, so activity in another tab counts too.
(() => {
  const data = document.getElementById("session-timeout-data");
  const dialog = document.getElementById("session-warning");
  if (!data || !dialog || typeof dialog.showModal !== "function") return;
  const config = JSON.parse(data.textContent);
  const remainingText = dialog.querySelector("[data-remaining]");
  let timer = null;
  let countdown = null;

  const minutesAndSeconds = (seconds) => {
    const m = Math.floor(seconds / 60);
    const s = String(seconds % 60).padStart(2, "0");
    return `${m}:${s}`;
  };

  const signedOut = () => {
    window.location.assign(`${config.login_url}?next=${encodeURIComponent(window.location.pathname)}`);
  };

  const schedule = (remaining) => {
    clearTimeout(timer);
    const wait = Math.max(1, remaining - config.warning) * 1000;
    timer = setTimeout(check, wait);
  };

  const show = (remaining) => {
    let left = remaining;
    remainingText.textContent = minutesAndSeconds(left);
    if (!dialog.open) dialog.showModal();
    clearInterval(countdown);
    countdown = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(countdown);
        signedOut();
        return;
      }
      remainingText.textContent = minutesAndSeconds(left);
    }, 1000);
  };

  const ask = (method) =>
    fetch(config.status_url, {
      method,
      credentials: "same-origin",
      headers: { "X-CSRFToken": config.csrf_token, Accept: "application/json" },
    }).then((response) => response.json());

  async function check() {
    let status;
    try {
      status = await ask("GET");
    } catch {
      schedule(config.warning + 30);
      return;
    }
    if (!status.signed_in || status.remaining <= 0) {
      signedOut();
    } else if (status.remaining <= config.warning + 1) {
      show(status.remaining);
    } else {
      schedule(status.remaining);
    }
  }

  dialog.querySelector("[data-stay]").addEventListener("click", async () => {
    clearInterval(countdown);
    const status = await ask("POST");
    dialog.close();
    if (status.signed_in) schedule(status.remaining);
    else signedOut();
  });
  dialog.addEventListener("cancel", (event) => event.preventDefault());
  schedule(config.remaining);
})();
