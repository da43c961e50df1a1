package portal

// The portal's pages, form fields, titles and table columns. Client and
// Simulator both use these, so a change of the real portal is an edit here.
const (
	PathLogin   = "/login"         // 營業人登入: the form and its captcha
	PathCaptcha = "/captcha.png"   // the captcha image (驗證碼)
	PathMenu    = "/menu"          // 營業人功能選單
	PathBlank   = "/blank"         // 上傳未使用空白發票號碼作業, ?yearMonth=11410
	PathImport  = "/blank/import"  // 匯入字軌: multipart POST of yearMonth and file
	PathUploads = "/blank/uploads" // 上傳列表, ?yearMonth=11410
	PathUpload  = "/blank/upload"  // one import's rows, ?id=N
	PathQuery   = "/blank/query"   // 查詢, ?yearMonth=11410&page=N
	PathAdd     = "/blank/add"     // 新增: the form (GET) and 存檔 (POST)
	PathDelete  = "/blank/delete"  // 刪除 the rows checked in 查詢 (POST)

	FieldBan       = "ban"         // 統一編號
	FieldAccount   = "account"     // 帳號
	FieldPassword  = "password"    // 密碼
	FieldCaptcha   = "captcha"     // 驗證碼
	FieldYearMonth = "yearMonth"   // 字軌期別, as 11410
	FieldFile      = "file"        // the bulk file
	FieldPage      = "page"        // 頁次
	FieldID        = "id"          // an import in 上傳列表
	FieldType      = "invoiceType" // 發票類別 in 新增, 07 or 08
	FieldTrack     = "track"       // 發票字軌 in 新增
	FieldStart     = "startNo"     // 起始編號 in 新增
	FieldEnd       = "endNo"       // 終止編號 in 新增
	FieldDelete    = "del"         // a checked row of 查詢: RecordKey

	SessionCookie = "PORTALSESSION"

	TitleLogin   = "營業人登入"
	TitleMenu    = "營業人功能選單"
	TitleBlank   = "上傳未使用空白發票號碼作業"
	TitleImport  = "匯入字軌"
	TitleUploads = "上傳列表"
	TitleUpload  = "上傳明細"
	TitleQuery   = "查詢結果"
	TitleAdd     = "新增"
	TitleDelete  = "刪除"

	// PageSize is how many ranges 查詢 shows a page.
	PageSize = 15
)

// Table ids and their column headers. The client finds columns by header,
// so a reordering on the portal does not mislead it.
const (
	TableQuery   = "queryResult"
	TableUploads = "uploadList"
	TableRows    = "uploadRows"

	ColQueryBan   = "總/分支機構統編"
	ColQueryType  = "發票類別"
	ColQueryYM    = "發票年月"
	ColQueryTrack = "發票字軌"
	ColQueryStart = "發票起號"
	ColQueryEnd   = "發票迄號"

	ColUploadID     = "上傳編號"
	ColUploadTime   = "上傳時間"
	ColUploadFile   = "檔案名稱"
	ColUploadStatus = "處理狀態"
	ColUploadOK     = "成功筆數"
	ColUploadFailed = "失敗筆數"

	ColRowSeq    = "序號"
	ColRowBan    = "統一編號"
	ColRowTrack  = "字軌"
	ColRowStart  = "起號"
	ColRowEnd    = "迄號"
	ColRowType   = "類別"
	ColRowResult = "結果"
	ColRowReason = "原因"
)

// The words of 上傳列表 and its rows.
const (
	StatusProcessing = "處理中"
	StatusDone       = "處理完成"
	ResultOK         = "成功"
	ResultRejected   = "失敗"
)

// Rejection reasons the simulator gives, as the portal words them.
const (
	ReasonMalformed = "資料格式錯誤"
	ReasonUnknown   = "統一編號不符"
	ReasonPeriod    = "期別不符"
	ReasonOverlap   = "與已上傳之字軌號碼重疊"
	ReasonDuplicate = "資料已存在"
)
