package portal

// useJournal keeps a client's journal of imports sent in dir.
func useJournal(o *Options, dir string) { o.Journal = dir }

// resend lets a client send what the journal holds back.
func resend(o *Options) { o.Resend = true }
