package msg

// jobMessages are the messages of pkg/ranges/job.
var jobMessages = map[string]string{}
