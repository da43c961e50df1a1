(() => {
  // blanktrack portal capture: DevTools does not show a request body that
  // holds a file, so the page reports each FormData body it sends, with
  // field names, file names and sizes, never a file's content.
  const report = (url, method, body) => {
    if (!(body instanceof FormData)) return;
    const parts = [];
    for (const [k, v] of body.entries()) {
      parts.push(typeof v === "string" ? {field: k, value: v, size: v.length}
        : {field: k, fileName: v.name, contentType: v.type, size: v.size});
    }
    try {
      window.__blanktrackForm(JSON.stringify({url: new URL(String(url), location.href).href, method: String(method || "GET").toUpperCase(), parts}));
    } catch (e) {}
  };
  // A downloaded file (the 範本): DevTools keeps no body of an answer read
  // as a blob, so the page reports it, up to 4 MiB.
  const b64 = (buf) => {
    const u = new Uint8Array(buf);
    let s = "";
    for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const isFile = (ct) => ct && !/json|html|javascript|css|^text\/plain|^image\//.test(ct);
  const download = (url, method, ct, disposition, buf) => {
    if (buf.byteLength > 4 << 20) return;
    try {
      window.__blanktrackForm(JSON.stringify({url: new URL(String(url), location.href).href, method: String(method || "GET").toUpperCase(),
        download: {contentType: ct, disposition: disposition || "", base64: b64(buf)}}));
    } catch (e) {}
  };
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const r = input instanceof Request;
    const url = r ? input.url : input, method = (init && init.method) || (r ? input.method : "GET");
    try { report(url, method, init && init.body); } catch (e) {}
    return fetch0.apply(this, arguments).then((res) => {
      try {
        const ct = res.headers.get("content-type") || "";
        if (isFile(ct)) res.clone().arrayBuffer().then((buf) => download(res.url || url, method, ct, res.headers.get("content-disposition"), buf), () => {});
      } catch (e) {}
      return res;
    });
  };
  const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (m, u) { this.__blanktrack = [m, u]; return open.apply(this, arguments); };
  XMLHttpRequest.prototype.send = function (b) {
    try { if (this.__blanktrack) report(this.__blanktrack[1], this.__blanktrack[0], b); } catch (e) {}
    try {
      this.addEventListener("load", () => {
        const ct = this.getResponseHeader("content-type") || "";
        if (!isFile(ct) || !this.__blanktrack) return;
        const m = this.__blanktrack[0], u = this.__blanktrack[1], d = this.getResponseHeader("content-disposition");
        if (this.response instanceof Blob) this.response.arrayBuffer().then((buf) => download(u, m, ct, d, buf), () => {});
        else if (this.response instanceof ArrayBuffer) download(u, m, ct, d, this.response);
      });
    } catch (e) {}
    return send.apply(this, arguments);
  };
})();
