package msg

// zhTW translates every English format into Traditional Chinese, in the
// portal's own words: 統一編號, 字軌, 期別, 空白未使用發票號碼. Keep the verbs
// (%s, %d, %v…) in the order of the English.
var zhTW = map[string]string{
	"language %q: want en or zh-TW": "語言 %q：請用 en 或 zh-TW",
}
