// The simulator's single-page app: the business login and the screen
// 上傳空白未使用發票號碼作業. Every path and field name comes from the
// layout in window.PORTAL, as the client's do.
"use strict";
(function () {
  const C = window.PORTAL, P = C.layout, L = P.login, S = P.session, B = P.blank, G = P.paging, Co = P.company;
  const app = document.getElementById("app");
  const params = new URLSearchParams(location.search);

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids) e.append(k);
    return e;
  }
  function show(...kids) { app.replaceChildren(...kids); }
  function toLogin() { location.href = P.origins.login + L.proxy; }
  function url(origin, path, q) { return origin + path + (q ? "?" + new URLSearchParams(q) : ""); }
  function ym(code) { const y = code.slice(0, 3), m = +code.slice(3); return y + "/" + String(m - 1).padStart(2, "0") + "~" + y + "/" + String(m).padStart(2, "0"); }

  // call is every API call of the app: the token the page keeps, as Bearer.
  async function call(method, u, body, form) {
    const headers = {Accept: "application/json"};
    const t = sessionStorage.getItem(S.tokenStorage);
    if (t) headers.Authorization = "Bearer " + t;
    let b = body;
    if (body && !form) { headers["Content-Type"] = "application/json"; b = JSON.stringify(body); }
    const r = await fetch(u, {method, headers, body: b, credentials: "include"});
    const ct = r.headers.get("content-type") || "";
    const data = ct.includes("json") ? await r.json() : await r.blob();
    if (r.status === 401) {
      sessionStorage.removeItem(S.tokenStorage);
      alert(S.expired);
      toLogin();
      throw new Error(S.expired);
    }
    if (!r.ok) throw new Error((data && data[S.errorField]) || "HTTP " + r.status);
    return data;
  }
  const api = (method, path, q, body, form) => call(method, url(P.origins.api, path, q), body, form);
  const rowsOf = (d) => Array.isArray(d) ? d : (d[G.content] || []);
  function tokenData(row) {
    const tok = B.upload.token && row[B.upload.token];
    if (!tok) return row;
    const payload = JSON.parse(atob(tok.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload.data), (c) => c.charCodeAt(0))));
  }

  // The login page: the identity tabs, and the business form.
  function loginPage() {
    const challenge = params.get(L.challengeParam);
    if (!challenge) return toLogin();
    const q = L.challengeParam + "=" + encodeURIComponent(challenge);
    const tabs = el("div", {class: "tabs"},
      el("a", {href: L.page + "?" + q}, "消費者"),
      el("a", {href: L.page + "/b?" + q}, "營業人·扣繳單位"),
      el("a", {href: L.page + "/a?" + q}, "專業代理人"),
      el("a", {href: L.page + "/d?" + q}, "受贈團體"));
    if (!location.pathname.startsWith(L.page + "/b")) {
      return show(el("h1", {}, "登入"), tabs, el("p", {}, "消費者請以手機條碼登入。"));
    }
    const error = el("p", {class: "error", id: "loginError"});
    const img = el("img", {alt: "圖形驗證碼", id: "captchaImg", onclick: loadCaptcha, style: "cursor:pointer"});
    let captchaToken = "";
    async function loadCaptcha() {
      const r = await fetch(url(P.origins.login, L.captcha), {credentials: "include"});
      const d = await r.json();
      captchaToken = d[L.captchaToken];
      img.src = "data:image/png;base64," + d[L.captchaImage];
    }
    const input = (id, type) => el("input", {id, name: id, type: type || "text", autocomplete: "off"});
    const form = el("form", {id: "loginForm", onsubmit: async (ev) => {
      ev.preventDefault();
      const v = (id) => document.getElementById(id).value.trim();
      const b = L.body, body = {};
      body[b.loginType] = L.loginType; body[b.userType] = L.userType; body[b.challenge] = challenge;
      body[b.ban] = v("ban"); body[b.user] = v("user_id"); body[b.password] = document.getElementById("user_password").value;
      body[b.captchaToken] = captchaToken; body[b.captcha] = v("captcha");
      const r = await fetch(url(P.origins.login, L.doLogin), {method: "POST", credentials: "include",
        headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
      const d = await r.json();
      if (r.ok) { location.href = d[L.redirectTo]; return; }
      error.textContent = d[S.errorField];
      document.getElementById("captcha").value = "";
      loadCaptcha();
    }},
      el("label", {}, "統一編號 ", input("ban")),
      el("label", {}, "帳號 ", input("user_id")),
      el("label", {}, "密碼 ", input("user_password", "password")),
      el("label", {}, "圖形驗證碼 ", input("captcha"), " ", img, " ", el("button", {type: "button", class: "btn-refresh", onclick: loadCaptcha}, "更新")),
      el("button", {type: "submit", id: "submitBtn"}, "登入"));
    show(el("h1", {}, "登入"), tabs, el("h2", {}, "營業人·扣繳單位"), error, form);
    loadCaptcha();
  }

  // The dashboard: the token first (from the code of the login), then the
  // menu and the screen the address names.
  async function dashboard() {
    const code = params.get("code");
    if (code) {
      const r = await fetch(C.tokenExchange, {method: "POST", credentials: "include",
        headers: {"Content-Type": "application/json"}, body: JSON.stringify({code})});
      if (!r.ok) return toLogin();
      const d = await r.json();
      history.replaceState(null, "", location.pathname);
      // The portal writes the token a moment after the dashboard loads.
      await new Promise((ok) => setTimeout(ok, 150));
      sessionStorage.setItem(S.tokenStorage, d.token);
    }
    if (!sessionStorage.getItem(S.tokenStorage)) return toLogin();
    const menu = el("nav", {id: "menu"},
      el("strong", {}, "營業人功能選單 "),
      el("span", {}, "每單月10日前應辦理事項 > "),
      el("a", {href: B.screen, id: "menuBlank"}, "上傳空白未使用發票號碼作業"),
      el("span", {}, " 查詢與下載 > "),
      el("a", {href: "/dashboard/btb/btb411w/online"}, "發票查詢/列印/下載"));
    const body = el("section", {id: "screen"});
    show(menu, body);
    if (location.pathname === B.screen) await blankScreen(body);
    else body.append(el("p", {}, "請由功能選單選擇作業。"));
  }

  async function blankScreen(root) {
    const msg = el("p", {class: "message", id: "message"});
    const err = el("p", {class: "error", id: "error"});
    const result = el("div", {id: "result"});
    const sel = el("select", {id: "yearMonth"});
    const say = (m) => { msg.textContent = m; err.textContent = ""; };
    const fail = (e) => { err.textContent = e.message; msg.textContent = ""; };
    const guard = (f) => async () => { try { await f(); } catch (e) { fail(e); } };
    for (const p of rowsOf(await api("GET", B.periods))) sel.append(el("option", {value: p[B.periodValue]}, ym(p[B.periodValue])));
    const companies = rowsOf(await api("GET", Co.authorized));
    let page = 0;

    const query = guard(async () => {
      const q = {}; q[B.periodParam] = sel.value; q[G.page] = G.firstPage + page; q[G.size] = G.pageSize;
      const d = await api("GET", B.query, q);
      const R = B.record;
      const t = el("table", {id: "queryResult"}, el("tr", {}, ...["刪除", "總/分支機構統編", "發票類別", "發票年月", "發票字軌", "發票起號", "發票迄號"].map((h) => el("th", {}, h))));
      for (const r of rowsOf(d)) {
        t.append(el("tr", {}, el("td", {}, el("input", {type: "checkbox", value: r[R.id], class: "del"})),
          el("td", {}, r[R.ban]), el("td", {}, r[R.type] === "08" ? "特種稅額計算" : "一般稅額計算"), el("td", {}, ym(r[R.period])),
          el("td", {}, r[R.track]), el("td", {}, r[R.begin]), el("td", {}, r[R.end])));
      }
      const all = (on) => () => document.querySelectorAll("input.del").forEach((c) => { c.checked = on; });
      const del = guard(async () => {
        const ids = [...document.querySelectorAll("input.del:checked")].map((c) => Number(c.value));
        const r = await api("POST", B.delete, null, {ids});
        say(r.message); await query();
      });
      const pages = d[G.totalPages] || 1;
      result.replaceChildren(t,
        el("p", {id: "pager"}, "頁次 " + (page + 1) + " 每頁顯示 " + G.pageSize + " 筆， 總筆數:" + d[G.totalElements]),
        el("button", {id: "prevPage", onclick: () => { if (page > 0) { page--; query(); } }}, "上一頁"),
        el("button", {id: "nextPage", onclick: () => { if (page + 1 < pages) { page++; query(); } }}, "下一頁"),
        el("button", {onclick: all(true)}, "全選"), el("button", {onclick: all(false)}, "取消全選"),
        el("button", {id: "btnDelete", onclick: del}, "刪除"), el("button", {onclick: () => result.replaceChildren()}, "返回"));
    });

    const add = () => {
      const R = B.record;
      const ban = el("select", {id: "addBan"}, ...companies.map((c) => el("option", {value: c[Co.ban]}, c[Co.ban] + " " + c[Co.name])));
      const type = el("select", {id: "addType"}, el("option", {value: "07"}, "一般稅額計算"), el("option", {value: "08"}, "特種稅額計算"));
      const f = (id) => el("input", {id});
      result.replaceChildren(el("h3", {}, "新增"),
        el("label", {}, "總/分支機構統一編號 ", ban), el("label", {}, "發票類別 ", type),
        el("label", {}, "發票字軌 ", f("addTrack")), el("label", {}, "起始編號 ", f("addStart")), el("label", {}, "終止編號 ", f("addEnd")),
        el("button", {id: "btnSave", onclick: guard(async () => {
          const body = {};
          body[R.ban] = ban.value; body[R.type] = type.value; body[R.period] = sel.value;
          body[R.track] = document.getElementById("addTrack").value.trim().toUpperCase();
          body[R.begin] = document.getElementById("addStart").value.trim();
          body[R.end] = document.getElementById("addEnd").value.trim();
          say((await api("POST", B.add, null, body)).message);
        })}, "存檔"));
    };

    const importForm = () => {
      const file = el("input", {type: "file", id: "importFile"});
      result.replaceChildren(el("h3", {}, "匯入字軌"), file,
        el("button", {id: "btnUpload", onclick: guard(async () => {
          if (!file.files.length) throw new Error("請選擇檔案");
          const fd = new FormData();
          fd.append(B.importPeriod, sel.value);
          fd.append(B.importFile, file.files[0]);
          const r = await api("POST", B.import, null, fd, true);
          say(r.message + "（上傳編號 " + r[B.importId] + "）");
        })}, "上傳"),
        " ", el("a", {href: "#", id: "template", onclick: guard(async (ev) => {
          const blob = await api("GET", B.template);
          const a = el("a", {href: URL.createObjectURL(blob), download: "範本"});
          a.click();
          say("範本已下載");
        })}, "範本下載"));
    };

    const uploads = guard(async () => {
      const q = {}; q[B.periodParam] = sel.value; q[G.page] = G.firstPage; q[G.size] = 50;
      const U = B.upload;
      const t = el("table", {id: "uploadList"}, el("tr", {}, ...["上傳編號", "上傳時間", "檔案名稱", "處理狀態", "成功筆數", "失敗筆數", "說明"].map((h) => el("th", {}, h))));
      for (const row of rowsOf(await api("GET", B.uploads, q))) {
        const u = tokenData(row);
        const status = U.statusDone.includes(String(u[U.status])) ? "處理完成" : U.statusFailed.includes(String(u[U.status])) ? "處理失敗" : "處理中";
        t.append(el("tr", {class: "upload"}, el("td", {}, el("a", {href: "#", class: "detail", onclick: guard(async () => detail(u[U.id]))}, String(u[U.id]))),
          el("td", {}, u[U.date] || ""), el("td", {}, u[U.fileName]), el("td", {}, status),
          el("td", {}, String(u[U.okCount])), el("td", {}, String(u[U.failedCount])), el("td", {}, u[U.message] || "")));
      }
      result.replaceChildren(el("h3", {}, "上傳列表"), t, el("div", {id: "uploadDetail"}));
    });
    async function detail(id) {
      const q = {}; q[B.idParam] = id;
      const R = B.row;
      const t = el("table", {id: "uploadRows"}, el("tr", {}, ...["序號", "統一編號", "字軌", "起號", "迄號", "類別", "結果", "原因"].map((h) => el("th", {}, h))));
      for (const r of rowsOf(await api("GET", B.uploadRows, q))) {
        t.append(el("tr", {}, ...[r[R.seq], r[R.ban], r[R.track], r[R.begin], r[R.end], r[R.type], r[R.result] === R.okValue ? "成功" : "失敗", r[R.reason] || ""].map((v) => el("td", {}, String(v)))));
      }
      document.getElementById("uploadDetail").replaceChildren(t);
    }

    root.append(el("h1", {}, "上傳空白未使用發票號碼作業"),
      el("label", {}, "字軌期別 ", sel),
      el("button", {id: "btnAdd", onclick: add}, "新增"), " ",
      el("button", {id: "btnQuery", onclick: () => { page = 0; query(); }}, "查詢"), " ",
      el("button", {id: "btnImport", onclick: importForm}, "匯入字軌"), " ",
      el("button", {id: "btnUploads", onclick: uploads}, "上傳列表"),
      el("p", {}, "匯入字軌後，請以「上傳列表」確認處理結果，並以「查詢」確認資料。"),
      msg, err, result);
  }

  if (location.pathname.startsWith(L.page)) loginPage();
  else if (location.pathname.startsWith("/dashboard/")) dashboard().catch((e) => { app.textContent = e.message; });
  else location.href = L.start;
})();
