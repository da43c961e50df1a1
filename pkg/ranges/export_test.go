package ranges

// TempFuzzDir is the folder fuzz inputs are written to, for TestMain (in the
// external test package) to remove.
func TempFuzzDir() string { return fuzzDir }
