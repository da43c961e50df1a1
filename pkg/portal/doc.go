// Package portal uploads 匯入字軌 bulk files to the MOF e-invoice portal
// (電子發票整合服務平台) and proves they arrived, and simulates the portal so
// that the client can be tested and month ends rehearsed.
//
// The manual path it automates, as the portal's own screens describe it:
// log in as 營業人 with 統一編號, 帳號, 密碼 and an image captcha; open
// 上傳未使用空白發票號碼作業; choose the 字軌期別; 匯入字軌 uploads the bulk
// file; 上傳列表 shows how each import was processed, row by row; 查詢 lists
// the ranges on record, 15 a page. Imports are processed some time after the
// upload.
//
// Client drives that flow with a colly session: it reads what is on record
// first, uploads only the ranges not yet there, refuses a file holding a
// range that overlaps a different one on record, and polls 上傳列表 and 查詢
// until every range is on record or rejected with a reason. Requests are
// retried with backoff on 5xx and network errors, and the session is logged
// in again once when it expires.
//
// Every address, form field, page title and table column of the portal is in
// layout.go, so a change of the real portal is a small, visible edit there.
//
// No live portal is reachable from where blanktrack is built: the client is
// tested against Simulator, which serves the same flow on a loopback
// address. The real portal today is a single-page application behind
// Cloudflare; the client fails with ErrChallenged when it meets a challenge
// page rather than pretending to pass it.
package portal
