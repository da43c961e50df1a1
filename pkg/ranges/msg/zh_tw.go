package msg

import "fmt"

// zhTW translates every English format into Traditional Chinese, in the
// portal's own words: 統一編號, 字軌, 期別, 空白未使用發票號碼. Keep the verbs
// (%s, %d, %v…) of the English; %[n]v reorders them. Each part of the
// program keeps its messages in a file of its own (zh_tw_*.go).
var zhTW = merge(coreMessages, domainMessages, sheetMessages, jobMessages, importfileMessages, cmdMessages, portalMessages)

var coreMessages = map[string]string{
	"language %q: want en or zh-TW": "語言 %q：請用 en 或 zh-TW",
}

// merge joins the parts' catalogs; a format in two parts must read the
// same in both.
func merge(parts ...map[string]string) map[string]string {
	all := map[string]string{}
	for _, p := range parts {
		for en, zh := range p {
			if have, ok := all[en]; ok && have != zh {
				panic(fmt.Sprintf("msg: %q has two translations: %q and %q", en, have, zh))
			}
			all[en] = zh
		}
	}
	return all
}
