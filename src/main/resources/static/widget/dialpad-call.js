/*
 * dialpad-call.js: the browser half of Dialpad click-to-call. No dependencies; works as a classic <script>
 * (defines window.DialpadCall) and as an ES module (import it for its side effect, or import dialpad-call.mjs for
 * named exports). The page never holds an API key: getToken() returns a widget token from POST /widget/sessions,
 * which the CRM's backend asks for.
 *
 * One decision per click, never a blind cascade: POST /calls first (one Idempotency-Key per click), which applies
 * the call policy; then CTI when Dialpad's embedded dialer said the rep is signed in, a tel:/Dialpad-app link only
 * when nothing was dialled, nothing at all when the number is blocked.
 * A started call is followed live (GET /calls/{id}/events, read with fetch so the token stays in a header, never
 * in a URL), falling back to polling GET /calls/{id} when the stream cannot be had.
 */
(function (global) {
  "use strict";
  var CTI_ORIGIN = "https://dialpad.com";
  var CTI_API = "opencti_dialpad";
  var TERMINAL = { ended: 1, missed: 1, voicemail: 1, rejected: 1, hangup: 1, canceled: 1, unknown: 1, fallback: 1 };
  /** States in which Dialpad may still hang the call up. */
  var HANGABLE = { initiated: 1, calling: 1, ringing: 1, connected: 1 };
  var LABELS = { pending: "Starting\u2026", initiated: "Ringing your Dialpad\u2026", unconfirmed: "Waiting for Dialpad\u2026",
    calling: "Calling\u2026", ringing: "Ringing\u2026", connected: "Connected", ended: "Ended", hangup: "Ended",
    missed: "Missed", voicemail: "Voicemail", rejected: "Rejected", canceled: "Canceled", unknown: "Status unknown" };
  var POLL_MS = 2000;
  var POLL_LIMIT_MS = 10 * 60 * 1000;
  /** A stream ends after a few minutes and is opened again; the sweep closes a call after 2 h at the latest. */
  var FOLLOW_LIMIT_MS = 2 * 60 * 60 * 1000;
  var REOPEN_MS = 500;

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) return global.crypto.randomUUID();
    var b = global.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /** A widget token's claims (the server checks the signature; the widget only reads who and whether demo). */
  function claims(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part + "===".slice((part.length + 3) % 4))) || {};
    } catch (e) { return {}; }
  }

  function duration(ms) {
    var s = Math.round(ms / 1000);
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  /** Calls the service with the widget token; asks getToken() once more on a 401. */
  function Client(apiBase, getToken) {
    var token = null, demo = false;
    function fresh() {
      return Promise.resolve(getToken()).then(function (t) {
        token = t && typeof t === "object" ? t.token : t;
        if (!token) throw new Error("getToken() returned no token");
        // Demo mode (the service's own Dialpad simulator): the session answer or the token says so.
        demo = demo || (t && typeof t === "object" && t.demo === true) || claims(token).demo === true;
        return token;
      });
    }
    function current() { return token ? Promise.resolve(token) : fresh(); }
    this.rep = function () { return current().then(function (t) { return claims(t).sub || null; }); };
    this.demo = function () { return demo; };
    /** GET of a server-sent event stream: the Response itself, for its body to be read as it arrives. */
    this.open = function (path, signal) {
      function send(t) {
        return fetch((apiBase || "") + path, { method: "GET", credentials: "omit", mode: "cors", cache: "no-store",
          headers: { Authorization: "Bearer " + t, Accept: "text/event-stream" }, signal: signal });
      }
      return current().then(send).then(function (r) { return r.status === 401 ? fresh().then(send) : r; });
    };
    this.request = function (method, path, body, headers) {
      function send(t) {
        var h = { Authorization: "Bearer " + t };
        if (body !== undefined) h["Content-Type"] = "application/json";
        for (var k in headers || {}) h[k] = headers[k];
        return fetch((apiBase || "") + path, {
          method: method, headers: h, credentials: "omit", mode: "cors",
          body: body === undefined ? undefined : JSON.stringify(body)
        });
      }
      return current().then(send).then(function (r) {
        return r.status === 401 ? fresh().then(send) : r;
      }).then(function (r) {
        return r.text().then(function (text) {
          var json = null;
          try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON: status decides */ }
          return { status: r.status, json: json || {}, retryAfter: r.headers.get("Retry-After") };
        });
      });
    };
  }

  // ---- toasts ---------------------------------------------------------------------------------------------
  var STYLE = ".dpc-toasts{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;flex-direction:column;gap:8px;font:14px system-ui,sans-serif}"
    + ".dpc-toast{background:#1f2430;color:#fff;padding:10px 14px;border-radius:6px;min-width:240px;max-width:360px;box-shadow:0 2px 8px #0004}"
    + ".dpc-toast b{display:block;margin-bottom:2px}.dpc-toast a{color:#9cf}.dpc-toast.dpc-error{background:#8a1c1c}"
    + ".dpc-call button{margin-left:8px;background:#c62828;color:#fff;border:0;border-radius:4px;padding:4px 10px;cursor:pointer}"
    + ".dpc-call button:disabled{opacity:.6;cursor:default}";

  /** The box toasts (and the call panel, unless it has an element of its own) are shown in. */
  function ToastBox(option) {
    var box = null;
    this.get = function () {
      if (!box) {
        if (option && option.nodeType === 1) { box = option; } else {
          var style = document.createElement("style"); style.textContent = STYLE; document.head.appendChild(style);
          box = document.createElement("div"); box.className = "dpc-toasts"; document.body.appendChild(box);
        }
        box.setAttribute("role", "status"); box.setAttribute("aria-live", "polite");
      }
      return box;
    };
    this.destroy = function () { if (box && box.className === "dpc-toasts" && box.parentNode) box.parentNode.removeChild(box); };
  }

  function Toasts(option, box) {
    this.show = function (kind, title, message, link) {
      if (option === false) return;
      var el = document.createElement("div");
      el.className = "dpc-toast dpc-" + kind;
      el.setAttribute("data-dialpad-toast", kind);
      var b = document.createElement("b"); b.textContent = title; el.appendChild(b);
      el.appendChild(document.createTextNode(message));
      if (link) {
        el.appendChild(document.createTextNode(" "));
        var a = document.createElement("a"); a.href = link.href; a.textContent = link.text; el.appendChild(a);
      }
      box.get().appendChild(el);
      setTimeout(function () { if (el.parentNode) el.parentNode.removeChild(el); }, kind === "error" ? 12000 : 8000);
    };
  }

  /**
   * The current call while Dialpad places it: its number, its live status and a Hang up button while Dialpad may
   * still hang it up (ringing or connected). Gone a few seconds after the call is over.
   */
  function CallPanel(option, box, onHangUp) {
    var panels = {};
    this.show = function (callId, title) {
      if (option === false || panels[callId]) return;
      var el = document.createElement("div");
      el.className = "dpc-toast dpc-call";
      el.setAttribute("data-dialpad-call-panel", callId);
      var b = document.createElement("b"); b.textContent = title; el.appendChild(b);
      var status = document.createElement("span"); status.setAttribute("data-dialpad-call-status", ""); el.appendChild(status);
      var button = document.createElement("button"); button.type = "button"; button.textContent = "Hang up";
      button.setAttribute("data-dialpad-hangup", ""); button.hidden = true; el.appendChild(button);
      var entry = panels[callId] = { el: el, status: status, button: button, label: "" };
      button.addEventListener("click", function () {
        button.disabled = true; status.textContent = "Hanging up\u2026";
        onHangUp(callId).then(function (ok) { if (!ok) { button.disabled = false; status.textContent = entry.label; } });
      });
      (option && option.nodeType === 1 ? option : box.get()).appendChild(el);
    };
    this.update = function (callId, state, durationMs) {
      var p = panels[callId];
      if (!p) return;
      p.label = (LABELS[state] || state) + (TERMINAL[state] && durationMs != null ? " \u00b7 " + duration(durationMs) : "");
      if (!p.button.disabled || !HANGABLE[state]) p.status.textContent = p.label;
      p.button.hidden = !HANGABLE[state];
      if (TERMINAL[state]) {
        delete panels[callId];
        setTimeout(function () { if (p.el.parentNode) p.el.parentNode.removeChild(p.el); }, 8000);
      }
    };
    this.destroy = function () {
      Object.keys(panels).forEach(function (id) { var el = panels[id].el; if (el.parentNode) el.parentNode.removeChild(el); });
      panels = {};
    };
  }

  /** What a reason asks the rep to do, for failure toasts. */
  function advice(reason, retryAfter) {
    switch (reason) {
      case "not_connected": return "Connect Dialpad in your settings to call through Dialpad.";
      case "unauthorized": case "forbidden": return "Reconnect Dialpad in your settings.";
      case "rate_limited": case "budget_exceeded": return "Try again in " + (retryAfter || 60) + " s.";
      case "user_busy": return "You are on another Dialpad call.";
      case "dialpad_unavailable": case "dialpad_rejected": return "Dialpad is not answering; try again shortly.";
      default: return "";
    }
  }

  // ---- the widget -----------------------------------------------------------------------------------------
  function Widget(options) {
    var self = this;
    var listeners = {};
    var client = new Client(options.apiBase, options.getToken);
    var toastOption = options.toasts === undefined ? true : options.toasts;
    var box = new ToastBox(toastOption);
    var toasts = new Toasts(toastOption, box);
    // The call panel goes with the toasts unless told otherwise: a page without toasts draws its own.
    var panel = new CallPanel(options.callPanel === undefined ? toastOption !== false : options.callPanel, box, hangUpFromPanel);
    var fallback = options.fallback || "tel";
    var cti = options.cti || null;
    var frame = null, ctiSignedIn = false, destroyed = false;
    var bound = [], follows = {};
    var openLink = options.openLink || function (href) {
      var a = document.createElement("a"); a.href = href; a.rel = "noopener"; a.style.display = "none";
      document.body.appendChild(a); a.click(); a.parentNode.removeChild(a);
    };

    function emit(name, detail) {
      (listeners[name] || []).slice().forEach(function (fn) { try { fn(detail); } catch (e) { console.error(e); } });
      document.dispatchEvent(new CustomEvent("dialpad-call:" + name, { detail: detail }));
    }
    self.on = function (name, fn) { (listeners[name] = listeners[name] || []).push(fn); return self; };
    self.off = function (name, fn) {
      listeners[name] = (listeners[name] || []).filter(function (f) { return f !== fn; }); return self;
    };

    // CTI: Dialpad's Mini Dialer in an iframe; messages only to and from that frame at its exact origin.
    function post(method, payload) {
      if (frame && frame.contentWindow) {
        frame.contentWindow.postMessage({ api: CTI_API, version: "1.0", method: method, payload: payload }, CTI_ORIGIN);
      }
    }
    function onMessage(event) {
      if (!frame || event.origin !== CTI_ORIGIN || event.source !== frame.contentWindow) return;
      var m = event.data;
      if (!m || m.api !== CTI_API) return;
      if (m.method === "user_authentication") {
        ctiSignedIn = !!(m.payload && m.payload.user_authenticated);
        emit("cti:auth", { signedIn: ctiSignedIn, userId: m.payload && m.payload.user_id });
      } else if (m.method === "call_ringing") {
        emit("call:status", { channel: "cti", status: "ringing", payload: m.payload });
      }
    }
    var ctiLoaded = Promise.resolve();
    if (cti && cti.clientId) {
      frame = document.createElement("iframe");
      frame.src = CTI_ORIGIN + "/apps/" + encodeURIComponent(cti.clientId);
      frame.title = "Dialpad";
      frame.allow = "microphone; speaker-selection; autoplay; camera; display-capture; hid";
      frame.style.cssText = "width:100%;height:100%;min-height:400px;border:0";
      global.addEventListener("message", onMessage);
      ctiLoaded = new Promise(function (resolve) {
        frame.addEventListener("load", function () { post("enable_current_tab", {}); resolve(); });
        setTimeout(resolve, 5000);
      });
      (cti.container || document.body).appendChild(frame);
    }
    self.ready = ctiLoaded.then(function () {
      var detail = { cti: !!frame, ctiSignedIn: ctiSignedIn };
      emit("ready", detail);
      return detail;
    });

    /** A toast's title; in demo mode it says so, so nobody takes the simulator for Dialpad. */
    function label(title) { return client.demo() ? title + " (demo)" : title; }

    /** Shows the click's toast and tells listeners: call:initiated, call:fallback or call:failed. */
    function finish(result, kind, title, text, link) {
      var event = result.fallback ? "call:fallback" : result.channel === "none" ? "call:failed" : "call:initiated";
      delete result.fallback;
      toasts.show(kind, label(title), text, link);
      emit(event, result);
      return result;
    }

    /** Nothing was dialled: the configured link, or none. */
    function fellBack(to, telUri, reason, message, retryAfter, dialpadUri) {
      var number = (telUri || "").replace(/^tel:/, "") || to;
      var channel = fallback === "dialpad" ? "dialpad-app" : fallback === "none" ? "none" : "tel";
      var result = { channel: channel, callId: null, status: "fallback", reason: reason, message: message, fallback: true };
      var extra = advice(reason, retryAfter);
      if (channel === "none") {
        return finish(result, "error", "Call not placed", (message || "Dialpad could not place the call.") + " " + extra);
      }
      // The service's Dialpad link carries our call id (customData), so Dialpad's events find the call.
      openLink(channel === "tel" ? "tel:" + number : dialpadUri || "dialpad://" + number);
      return finish(result, "info", "Opening Phone", "Calling " + number + "\u2026 " + extra);
    }

    /** The call policy refused the number (do-not-call list, calling hours, destination): no call, no link. */
    function refused(to, a) {
      var text = a.message || "Not calling " + to;
      return finish({ channel: "none", callId: a.id || null, status: "blocked", reason: a.reason || null,
        message: text }, "error", "Call not placed", text);
    }

    /**
     * CTI: the service has decided and logged the call (channel cti); Dialpad's embedded dialer places it, with our
     * call id as custom_data so Dialpad's events find the row. When the service could not be asked at all, the rep
     * still calls, as the phone link would let them; refused input dials nothing.
     */
    function ctiCall(to, r, a) {
      var answered = r.status === 201 || r.status === 200;
      if (!answered && r.status >= 400 && r.status < 500) {
        var err = a.error || {};
        emit("error", { where: "log-cti-call", status: r.status, error: err });
        var text = err.message || "The call could not be placed.";
        return finish({ channel: "none", callId: null, status: "failed", reason: err.code || "http_" + r.status,
          message: text }, "error", "Call failed", text);
      }
      if (!answered) emit("error", { where: "log-cti-call", status: r.status, error: a.error });
      post("initiate_call", { phone_number: to, custom_data: answered && a.id ? a.id : "" });
      return finish({ channel: "cti", callId: answered ? a.id || null : null, status: "initiated", reason: null,
        message: "Calling " + to + " via Dialpad" }, "info", "Call Initiated", "Calling " + to + " via Dialpad");
    }

    /**
     * Follows a call until it is over: its live stream (GET /calls/{id}/events), opened again when the server ends
     * one before the call (lifetime, an instance stopping); polling GET /calls/{id} when no stream can be had (an
     * old proxy, the stream cap, a dropped connection). Emits call:status on each change.
     */
    function follow(callId) {
      if (follows[callId]) return;   // a repeated click on the same call: already followed
      var f = follows[callId] = { cancel: null }, started = Date.now(), last = null;
      function over() { return destroyed || follows[callId] !== f; }
      function stop() { if (follows[callId] === f) delete follows[callId]; if (f.cancel) f.cancel(); }
      function update(status, durationMs) {
        durationMs = durationMs == null ? null : durationMs;
        if (over() || !status || status + "/" + durationMs === last) return;
        last = status + "/" + durationMs;
        emit("call:status", { callId: callId, status: status, durationMs: durationMs });
        panel.update(callId, status, durationMs);
        if (TERMINAL[status]) stop();
      }
      function stream() {
        if (over()) return;
        if (Date.now() - started > FOLLOW_LIMIT_MS) { stop(); return; }
        var abort = global.AbortController ? new AbortController() : null;
        f.cancel = function () { if (abort) abort.abort(); };
        client.open("/calls/" + encodeURIComponent(callId) + "/events", abort ? abort.signal : undefined).then(function (r) {
          var type = r.headers.get("Content-Type") || "";
          if (r.status !== 200 || type.indexOf("text/event-stream") !== 0 || !r.body || !r.body.getReader) {
            if (r.body && r.body.cancel) r.body.cancel().catch(function () {});
            return "poll";
          }
          return read(r.body.getReader());
        }).then(function (next) {
          if (over()) return;
          if (next === "again") { f.timer = setTimeout(stream, REOPEN_MS); f.cancel = function () { clearTimeout(f.timer); }; }
          else if (next === "poll") poll();
          else stop();
        }, function () { if (!over()) poll(); });
      }
      /** Events as they arrive; what to do once the server ends the response: "done", "again" or "poll". */
      function read(reader) {
        var decoder = new TextDecoder(), buffer = "", end = null;
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) return end === null ? "poll" : end === "max_lifetime" || end === "shutdown" ? "again" : "done";
            buffer += decoder.decode(chunk.value, { stream: true });
            var blocks = buffer.split(/\r?\n\r?\n/);
            buffer = blocks.pop();
            blocks.forEach(function (block) {
              var name = "message", data = "";
              block.split(/\r?\n/).forEach(function (line) {
                if (line.indexOf("event:") === 0) name = line.slice(6).trim();
                else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
              });
              if (!data) return;   // a heartbeat (a comment line)
              try { data = JSON.parse(data); } catch (e) { return; }
              if (name === "status") update(data.status, data.duration_ms);
              else if (name === "end") end = data.reason || "end";
            });
            return over() ? "done" : pump();
          });
        }
        return pump();
      }
      function poll() {
        var polling = Date.now();
        function tick() {
          if (over()) return;
          client.request("GET", "/calls/" + encodeURIComponent(callId)).then(function (r) {
            if (r.status === 200) update(r.json.status, r.json.duration_ms);
          }).catch(function () { /* the next tick tries again */ }).then(function () {
            if (over()) return;
            if (Date.now() - polling < POLL_LIMIT_MS) { f.timer = setTimeout(tick, POLL_MS); f.cancel = function () { clearTimeout(f.timer); }; }
            else stop();
          });
        }
        tick();
      }
      stream();
    }

    self.call = function (opts) {
      var to = String(opts.to || "").trim();
      var body = { to_number: to };
      if (opts.contactId) body.contact_id = String(opts.contactId);
      if (opts.dealId) body.deal_id = String(opts.dealId);
      if (opts.externalId) body.external_id = String(opts.externalId);
      var key = uuid();   // one per click: a retry of this click is the same call
      emit("call:start", { to: to, contactId: opts.contactId, dealId: opts.dealId, idempotencyKey: key });

      // Through Dialpad's embedded dialer, but only once the service has said the number may be called.
      var viaCti = !!(frame && ctiSignedIn);
      if (viaCti) body.channel = "cti";

      function attempt(retried) {
        return client.request("POST", "/calls", body, { "Idempotency-Key": key }).catch(function (e) {
          if (global.navigator && navigator.onLine === false) return { offline: true };
          // The request may have reached the service: ask again with the same key, which cannot dial twice.
          if (!retried) return new Promise(function (r) { setTimeout(r, 500); }).then(function () { return attempt(true); });
          return { network: true };
        });
      }
      return attempt(false).then(function (r) {
        var a = r.json || {};
        if ((r.status === 201 || r.status === 200) && a.action === "blocked") return refused(to, a);
        if (viaCti) return ctiCall(to, r, a);
        if (r.offline) return fellBack(to, null, "offline", "You are offline.");
        if (r.network) {
          return finish({ channel: "none", callId: null, status: "unknown", reason: "network",
            message: "The call service did not answer; Dialpad may still ring." }, "error", "Call status unknown",
            "Dialpad may still ring your phone for " + to + ". If it does not, call from your phone:",
            { href: "tel:" + to, text: to });
        }
        if (r.status === 201 || r.status === 200) {
          if (a.action === "tel") {
            return fellBack(to, a.tel_uri, a.reason, a.message, a.retry_after_seconds, a.dialpad_uri);
          }
          var result = { channel: "api", callId: a.id, status: a.status, reason: a.reason || null, message: a.message };
          if (a.id) {
            panel.show(a.id, label("Calling " + (a.to_number || to)));
            panel.update(a.id, a.status, null);
            follow(a.id);
          }
          if (a.action === "unconfirmed") {
            return finish(result, "error", "Call status unknown", (a.message || "Dialpad may still ring your phone.")
              + " If it does not ring, call by hand:", { href: a.tel_uri || "tel:" + to, text: to });
          }
          return finish(result, "info", "Call Initiated", "Calling " + (a.to_number || to) + " via Dialpad");
        }
        if (r.status === 503 && a.tel_uri) {
          return fellBack(to, a.tel_uri, (a.error && a.error.code) || "unavailable", a.error && a.error.message,
            r.retryAfter, a.dialpad_uri);
        }
        var err = a.error || {};
        var failed = { channel: "none", callId: null, status: "failed", reason: err.code || "http_" + r.status,
          message: err.message || "The call could not be placed." };
        emit("error", { where: "call", status: r.status, error: err });
        if (r.status >= 500) {
          return finish(failed, "error", "Call status unknown", "Dialpad may still ring your phone for " + to
            + ". If it does not, call from your phone:", { href: "tel:" + to, text: to });
        }
        return finish(failed, "error", "Call failed", failed.message);
      });
    };

    /** Every [data-dialpad-call] under root: one click, one call; the button is disabled while it starts. */
    self.bind = function (root) {
      var els = (root || document).querySelectorAll("[data-dialpad-call]");
      Array.prototype.forEach.call(els, function (el) {
        if (el.__dialpadCall) return;
        var handler = function (ev) {
          ev.preventDefault();
          if (el.__dialpadBusy) return;
          el.__dialpadBusy = true; el.disabled = true; el.setAttribute("aria-busy", "true");
          self.call({ to: el.getAttribute("data-to"), contactId: el.getAttribute("data-contact-id"),
            dealId: el.getAttribute("data-deal-id"), externalId: el.getAttribute("data-external-id") })
            .catch(function (e) { emit("error", { where: "call", error: String(e) }); })
            .then(function () { el.__dialpadBusy = false; el.disabled = false; el.removeAttribute("aria-busy"); });
        };
        el.__dialpadCall = handler; el.addEventListener("click", handler); bound.push(el);
      });
      return self;
    };

    /** Asks the service to hang up the token's rep's call: true, or false and an error event. */
    self.hangUp = function (callId) {
      return client.request("POST", "/calls/" + encodeURIComponent(callId) + "/hangup").then(function (r) {
        if (r.status >= 300) { emit("error", { where: "hangUp", status: r.status, error: r.json.error }); return false; }
        return true;
      }, function (e) { emit("error", { where: "hangUp", error: String(e) }); return false; });
    };

    /** The panel's Hang up button: as hangUp, and a toast when it did not work. */
    function hangUpFromPanel(callId) {
      var failed = null;
      function note(e) { if (e.where === "hangUp") failed = e; }
      self.on("error", note);
      return self.hangUp(callId).then(function (ok) {
        self.off("error", note);
        if (!ok) {
          toasts.show("error", label("Could not hang up"), (failed && failed.error && failed.error.message)
            || "The call service did not answer; hang up in Dialpad.");
        }
        return ok;
      });
    }

    self.destroy = function () {
      destroyed = true;
      global.removeEventListener("message", onMessage);
      if (frame && frame.parentNode) frame.parentNode.removeChild(frame);
      bound.forEach(function (el) { el.removeEventListener("click", el.__dialpadCall); delete el.__dialpadCall; });
      Object.keys(follows).forEach(function (id) { if (follows[id].cancel) follows[id].cancel(); });
      follows = {}; bound = []; listeners = {}; panel.destroy(); box.destroy();
    };
  }

  /** The rep's settings panel: connection status, Connect and Disconnect. */
  function mountSettings(element, options) {
    var client = new Client(options.apiBase, options.getToken);
    element.innerHTML = "";
    var status = document.createElement("span"); status.setAttribute("data-dialpad-status", "");
    var connect = document.createElement("button"); connect.type = "button"; connect.textContent = "Connect Dialpad";
    var disconnect = document.createElement("button"); disconnect.type = "button"; disconnect.textContent = "Disconnect";
    element.appendChild(status); element.appendChild(connect); element.appendChild(disconnect);
    function show(c) {
      status.textContent = (c.connected ? "Dialpad connected" : "Dialpad not connected (" + (c.status || "disconnected") + ")")
        + (client.demo() ? " (demo)" : "");
      connect.hidden = !!c.connected; disconnect.hidden = !c.connected;
      element.dispatchEvent(new CustomEvent("dialpad-call:connection", { detail: c, bubbles: true }));
      return c;
    }
    function path(rep, tail) { return "/reps/" + encodeURIComponent(rep) + "/dialpad" + (tail || ""); }
    function refresh() {
      return client.rep().then(function (rep) { return client.request("GET", path(rep)); })
        .then(function (r) { return show(r.json); });
    }
    connect.addEventListener("click", function () {
      client.rep().then(function (rep) { return client.request("POST", path(rep, "/connect")); }).then(function (r) {
        if (r.json.authorize_url) (options.openWindow || function (u) { global.open(u, "_blank", "noopener"); })(r.json.authorize_url);
        else status.textContent = (r.json.error && r.json.error.message) || "Cannot connect now";
      });
    });
    disconnect.addEventListener("click", function () {
      client.rep().then(function (rep) { return client.request("DELETE", path(rep)); }).then(function (r) { show(r.json); });
    });
    var ready = refresh();
    return { refresh: refresh, ready: ready };
  }

  var DialpadCall = {
    version: "1.0.0",
    init: function (options) { return new Widget(options || {}); },
    mountSettings: mountSettings
  };
  global.DialpadCall = DialpadCall;
})(typeof window !== "undefined" ? window : globalThis);
