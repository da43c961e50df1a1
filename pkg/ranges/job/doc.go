// Package job is blanktrack's main job as a library: from allocation
// downloads and invoice exports to the files the portal takes, for one
// business or a head office and many branches.
//
// A Spec names the branches (each with its allocation and invoice files),
// the period and the output choices; a Config (blanktrack.toml) gives one.
// Run reads every branch's allocations, settles the period, checks the
// allocations within and across branches (an allocation file holding another
// 統編, overlaps, naming both rows), reads the exports, computes the blank
// ranges and renders the 匯入字軌 bulk files and E0402 messages, all in
// memory. Write writes the files of the branches that did not fail, all of
// them or none, removes the files of an earlier run of the same 統編 and
// period that the run no longer writes, and records inputs and outputs with
// their SHA-256 in the folder's manifest; an output path that is an input
// is refused (*OverwriteError), and so is a file the run would remove or
// overwrite that the manifest does not record as blanktrack's
// (*ForeignFileError). CheckOut tells before any input is read whether a
// folder can take the files.
//
// Doubts about the data are typed Warnings (invoices in no allocation or
// outside the period, nullified numbers never reissued); under Spec.Strict
// a branch with warnings fails and writes nothing. What would silently
// report every number of a 統編 blank is an error: an export that counts no
// invoice (*EmptyExportError), a 統編 with allocations and no invoice
// counted unless Branch.NoInvoices declares it (*NoInvoicesError), a
// config pattern that matches no file.
// WriteReport and WriteWarnings print what the run found.
//
// generate, check (what it compares files with) and upload all run through
// this package, so they agree on the branches, the period and the policy.
package job
