package msg

// importfileMessages are the messages of pkg/importfile.
var importfileMessages = map[string]string{}
