package msg

// sheetMessages are the messages of pkg/ranges/sheet.
var sheetMessages = map[string]string{}
