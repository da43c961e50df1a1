// Package portal uploads 匯入字軌 bulk files to the MOF e-invoice portal
// (電子發票整合服務平台) and proves they arrived.
//
// The manual path it automates, as the portal's own screens describe it:
// log in as 營業人 with 統一編號, 帳號, 密碼 and an image captcha; open
// 上傳空白未使用發票號碼作業; choose the 字軌期別; 匯入字軌 uploads the bulk
// file; 上傳列表 shows how each import was processed, row by row; 查詢 lists
// the ranges on record. Imports are processed some time after the upload.
//
// Today's portal is a single-page application over JSON APIs on three
// origins (www, service-mc for the login, service-m for data), with an
// OAuth2 login whose Bearer token the page keeps, and Cloudflare in front.
// Client drives it with colly as the engine. Its requests are carried
// either directly, as plain HTTP, or by a browser (Chrome, Chromium or
// Edge, driven with chromedp) in which the person, or a CaptchaSolver, logs
// in and where every request runs as fetch() in the logged-in page, with
// the browser's cookies, Cloudflare clearance and TLS fingerprint.
// ModeAuto tries direct first and turns to the browser on a challenge.
//
// Client reads what is on record first, uploads only the ranges not yet
// there, refuses a file holding a range that overlaps a different one on
// record, and polls 上傳列表 and 查詢 until every range is on record or
// rejected with a reason. The head office's login acts for every company
// that btb002i/company/authorized lists, so one login (one captcha) uploads
// and verifies all of its branches.
//
// Safety: requests go only to the portal's origins, over https (http only
// on a loopback address, for the simulator); no redirect is followed
// elsewhere, and a 307 or 308 never re-sends a body. Answers are bounded
// after decompression. GET requests are retried on network errors, 5xx and
// 429 (honouring Retry-After within the context's deadline); an import is
// never sent twice. No password, captcha answer, cookie or token appears in
// an error or a log line.
//
// Every origin, path, JSON field name and status code is in one Layout,
// built in with marks of what was recorded on the live portal and what is
// unconfirmed; LoadLayout reads a corrected copy. Capture records what the
// real screen sends, with secrets redacted, to correct it.
//
// The simulator the client is tested against is in the package portalsim.
package portal
