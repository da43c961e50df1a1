// Package importfile writes and reads the files that carry blank invoice
// numbers (空白未使用發票號碼) to the MOF e-invoice platform:
//
//   - the bulk file of the portal's 「匯入字軌」 button: CSV without a header, one
//     blank range a line, 7 fields (sequence, 統一編號, period as yyyMM, 字軌,
//     first number, last number, 發票類別), CRLF line ends, ASCII; one file per
//     統一編號 and period, named <統編>_<yyyMM>.csv;
//   - E0402 BranchTrackBlank 4.1 XML, the Turnkey message for the same data,
//     one document per (HeadBan, BranchBan, 類別, period, 字軌) with at most
//     10,000 items.
//
// The readers validate every field and report findings with their line (or
// element path) so that generated or hand-edited files can be checked before
// anyone uploads them; a checked file is compared byte for byte with what
// generate writes, and every reader stops a hostile file in bounded memory.
// WriteFiles and Commit write a set of files so that either all of them are
// complete or none is left behind. The manifest (ManifestName) records what
// a run read and wrote, with SHA-256, so that a file changed afterwards or
// left by an earlier run is refused (Manifests.Verify).
package importfile
