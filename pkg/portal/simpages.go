package portal

import (
	"fmt"
	"html"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

func esc(s string) string { return html.EscapeString(s) }

func pageHTML(title, body string) string {
	return `<!DOCTYPE html>
<html lang="zh-Hant"><head><meta charset="utf-8"><title>` + esc(title) + ` - 電子發票整合服務平台</title></head>
<body><h1>` + esc(title) + `</h1>
` + body + `
</body></html>
`
}

func loginBody(msg string) string {
	var b strings.Builder
	if msg != "" {
		fmt.Fprintf(&b, `<p class="error">%s</p>`, esc(msg))
	}
	fmt.Fprintf(&b, `<form id="login" method="post" action="%s">
<label>統一編號 <input name="%s"></label>
<label>帳號 <input name="%s"></label>
<label>密碼 <input type="password" name="%s"></label>
<label>驗證碼 <img id="captcha" src="%s" alt="驗證碼"> <input name="%s"></label>
<button type="submit">登入</button>
</form>`, PathLogin, FieldBan, FieldAccount, FieldPassword, PathCaptcha, FieldCaptcha)
	return b.String()
}

const menuBody = `<ul id="menu">
<li>電子發票上傳作業<ul><li><a href="` + PathBlank + `">上傳空白未使用發票號碼</a></li></ul></li>
<li>每單月10日前應辦理事項<ul><li><a href="` + PathBlank + `">上傳空白未使用發票號碼作業</a></li></ul></li>
</ul>`

func blankBody(p ranges.Period) string {
	ym := ""
	if !p.IsZero() {
		ym = p.Code()
	}
	return fmt.Sprintf(`<form id="blank" method="get" action="%s">
<label>字軌期別 <input name="%s" value="%s"></label>
<button formaction="%s">新增</button> <button formaction="%s">查詢</button>
<button formaction="%s">上傳列表</button>
</form>
<form id="import" method="post" enctype="multipart/form-data" action="%s">
<input type="hidden" name="%s" value="%s"><input type="file" name="%s"><button>匯入字軌</button>
</form>
<p>匯入字軌後，請以「上傳列表」確認處理結果，並以「查詢」確認資料。</p>`,
		PathBlank, FieldYearMonth, ym, PathAdd, PathQuery, PathUploads, PathImport, FieldYearMonth, ym, FieldFile)
}

func messageBody(msg string) string {
	return fmt.Sprintf(`<p class="message">%s</p>`, esc(msg))
}

func table(id string, header []string, rows [][]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table id="%s"><tr>`, id)
	for _, h := range header {
		fmt.Fprintf(&b, "<th>%s</th>", esc(h))
	}
	b.WriteString("</tr>\n")
	for _, r := range rows {
		b.WriteString("<tr>")
		for _, c := range r {
			fmt.Fprintf(&b, "<td>%s</td>", c) // cells are escaped by the caller
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>")
	return b.String()
}

func queryBody(p ranges.Period, recs []Record, page, pages, total int) string {
	var rows [][]string
	for _, r := range recs {
		rows = append(rows, []string{fmt.Sprintf(`<input type="checkbox" name="%s" value="%s">`, FieldDelete, esc(r.Key())),
			esc(string(r.Ban)), esc(r.Type.Name()), esc(p.String()),
			esc(string(r.Track)), esc(r.Start.String()), esc(r.End.String())})
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<form id="delete" method="post" action="%s"><input type="hidden" name="%s" value="%s">`+"\n", PathDelete, FieldYearMonth, p.Code())
	b.WriteString(table(TableQuery, []string{"刪除", ColQueryBan, ColQueryType, ColQueryYM, ColQueryTrack, ColQueryStart, ColQueryEnd}, rows))
	fmt.Fprintf(&b, "\n<p class=\"pager\">頁次 %d 每頁顯示 %d 筆， 總筆數:%d</p>\n", page, PageSize, total)
	if page < pages {
		fmt.Fprintf(&b, `<a class="next" href="%s?%s=%s&amp;%s=%d">下一頁</a>`, PathQuery, FieldYearMonth, p.Code(), FieldPage, page+1)
	}
	const check = `for (const c of this.form.querySelectorAll('input[type=checkbox]')) c.checked = `
	fmt.Fprintf(&b, `<button type="button" onclick="%strue">全選</button><button type="button" onclick="%sfalse">取消全選</button>`, check, check)
	fmt.Fprintf(&b, `<button type="submit">刪除</button> <a href="%s?%s=%s">返回</a></form>`, PathBlank, FieldYearMonth, p.Code())
	return b.String()
}

func addBody(p ranges.Period, msg string) string {
	var b strings.Builder
	if msg != "" {
		fmt.Fprintf(&b, `<p class="message">%s</p>`, esc(msg))
	}
	fmt.Fprintf(&b, `<form id="add" method="post" action="%s">
<p>字軌期別 %s</p><input type="hidden" name="%s" value="%s">
<label>總機構/分支機構統一編號 <input name="%s"></label>
<label>發票類別 <select name="%s"><option value="07">一般稅額計算</option><option value="08">特種稅額計算</option></select></label>
<label>發票字軌 <input name="%s"></label>
<label>起始編號 <input name="%s"></label>
<label>終止編號 <input name="%s"></label>
<button type="submit">存檔</button> <a href="%s?%s=%s">返回</a>
</form>`, PathAdd, esc(p.String()), FieldYearMonth, p.Code(), FieldBan, FieldType, FieldTrack, FieldStart, FieldEnd,
		PathBlank, FieldYearMonth, p.Code())
	return b.String()
}

func uploadsBody(list []Upload) string {
	var rows [][]string
	for _, u := range list {
		status, ok, failed := StatusProcessing, "", ""
		if u.Processed {
			status = StatusDone
			n := 0
			for _, r := range u.Rows {
				if r.OK {
					n++
				}
			}
			ok, failed = fmt.Sprint(n), fmt.Sprint(len(u.Rows)-n)
		}
		rows = append(rows, []string{
			fmt.Sprintf(`<a href="%s?%s=%d">%d</a>`, PathUpload, FieldID, u.ID, u.ID),
			esc(u.Time.Format("2006/01/02 15:04:05")), esc(u.FileName), esc(status), ok, failed,
		})
	}
	return table(TableUploads, []string{ColUploadID, ColUploadTime, ColUploadFile, ColUploadStatus, ColUploadOK, ColUploadFailed}, rows)
}

func uploadBody(u Upload) string {
	var rows [][]string
	for _, r := range u.Rows {
		result := ResultOK
		if !r.OK {
			result = ResultRejected
		}
		rows = append(rows, []string{fmt.Sprint(r.Seq), esc(r.Ban), esc(r.Track), esc(r.Start), esc(r.End), esc(r.Type), esc(result), esc(r.Reason)})
	}
	status := StatusProcessing
	if u.Processed {
		status = StatusDone
	}
	return fmt.Sprintf(`<p>上傳編號 %d　檔案名稱 %s　處理狀態 <span id="status">%s</span></p>`, u.ID, esc(u.FileName), esc(status)) +
		table(TableRows, []string{ColRowSeq, ColRowBan, ColRowTrack, ColRowStart, ColRowEnd, ColRowType, ColRowResult, ColRowReason}, rows)
}
