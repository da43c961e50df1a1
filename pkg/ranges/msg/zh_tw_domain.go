package msg

// domainMessages are the messages of pkg/ranges (the domain).
var domainMessages = map[string]string{}
