package msg

// portalMessages are the messages of pkg/portal, portalsim and the
// commands upload, portal-sim and portal.
var portalMessages = map[string]string{
	"--account %q: %v": "--account %q：%v",
	"--addr: %v":       "--addr：%v",
	"--ban is required: the 統一編號 to log in with": "需要 --ban：登入用的統一編號",
	"--ban: %v":    "--ban：%v",
	"--carrier %v": "--carrier %v",
	"--config names every branch's account and file: give no --ban, --user or files with it": "--config 已指定各分支機構的帳號與檔案：請勿同時給 --ban、--user 或檔案",
	"--deadline and --captcha-timeout must be positive":                                      "--deadline 與 --captcha-timeout 必須大於零",
	"--layout: %v":                        "--layout：%v",
	"--out %s: its folder does not exist": "--out %s：所在資料夾不存在",
	"--out is required: the folder generate wrote into (or out in %s)": "需要 --out：generate 寫出檔案的資料夾（或 %s 的 out）",
	"--period %q: %v": "--period %q：%v",
	"--period is required with --config (or period in %s)":                                   "使用 --config 時需要 --period（或 %s 的 period）",
	"--user is required: the 帳號 to log in with":                                              "需要 --user：登入用的帳號",
	"no password for %s: set the environment variable %s (or run on a terminal to be asked)": "%s 沒有密碼：請設定環境變數 %s（或在終端機上執行以輸入）",
	"not a terminal to confirm the upload: add --yes (or --dry-run to look first)":           "不在終端機上，無法確認上傳：請加 --yes（或先用 --dry-run 查看）",
	"upload: no file: give the bulk files generate wrote":                                    "upload：沒有檔案：請給 generate 寫出的匯入字軌檔",
}
