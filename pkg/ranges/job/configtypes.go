package job

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// A config value's wanted kind. The TOML decoder, given a value of another
// type, says "incompatible types: TOML value has type int64; destination
// has type string" without a line for most keys and only in English; the
// config is therefore first decoded loosely and each key's value checked
// here, so the mistake is told at its line, with the fix, in the user's
// language.
type valueKind int

const (
	kindText  valueKind = iota // a quoted string
	kindBool                   // true or false
	kindBan                    // a 統一編號: a string (or, leniently, an integer)
	kindFiles                  // a list of file names or patterns
	kindTable                  // [branch.columns]: a table of strings
)

var topKinds = map[string]valueKind{
	"head": kindBan, "period": kindText, "out": kindText, "xml": kindBool,
	"layout": kindText, "carrier": kindText,
}

var branchKinds = map[string]valueKind{
	"ban": kindBan, "name": kindText, "alloc": kindFiles, "invoices": kindFiles,
	"no_invoices": kindBool, "user": kindText, "password_env": kindText,
	"columns": kindTable,
}

// columnExamples are the keys of [branch.columns], each with a header (or,
// for sheet, a sheet name) as an export has it, for the messages.
var columnExamples = map[string]string{
	"sheet": "銷項發票", "number": "發票號碼", "track": "發票字軌", "status": "發票狀態",
	"void": "作廢註記", "date": "發票日期", "seller": "賣方統一編號",
}

// typeProblems reports every key of a loosely decoded config whose value
// is not of the kind it wants (to bad), and every key that is unknown (to
// unknown), all in one pass: a person fixes them all from one run.
func typeProblems(raw map[string]any, bad, unknown func(branch int, key string, what msg.Message)) {
	for _, key := range sortedKeys(raw) {
		v := raw[key]
		if key == "branch" {
			tables, ok := v.([]map[string]any)
			if !ok {
				bad(-1, key, msg.T("%v: want one [[branch]] table per 統一編號", describe(v)))
				continue
			}
			for i, t := range tables {
				for _, k := range sortedKeys(t) {
					if kind, known := branchKinds[k]; known {
						checkKind(i, k, kind, t[k], bad, unknown)
					} else {
						unknownKey(i, k, unknown)
					}
				}
			}
			continue
		}
		if kind, known := topKinds[key]; known {
			checkKind(-1, key, kind, v, bad, unknown)
		} else {
			unknownKey(-1, key, unknown)
		}
	}
}

// unknownKey reports a key the config does not have, with the keys it
// does have there (key is columns.… inside [branch.columns]).
func unknownKey(branch int, key string, bad func(int, string, msg.Message)) {
	switch {
	case strings.HasPrefix(key, "columns."):
		bad(branch, key, msg.T("unknown key: want the column keys sheet, number, track, status, void, date, seller"))
	case key == "portal":
		bad(branch, key, msg.T("the portal's addresses are in its layout now: name a layout file with layout = \"…\" (blanktrack portal-sim --write-layout writes one for the simulator), or leave it out for the real portal"))
	case strings.HasSuffix(key, "password"):
		bad(branch, key, msg.T("never put a password in the config: name the environment variable that holds it with password_env"))
	default:
		bad(branch, key, msg.T("unknown key: want head, period, out, xml, layout, carrier, and per [[branch]] ban, name, alloc, invoices, no_invoices, user, password_env, [branch.columns]"))
	}
}

func checkKind(branch int, key string, kind valueKind, v any, bad, unknown func(int, string, msg.Message)) {
	switch kind {
	case kindText:
		switch x := v.(type) {
		case string:
		case int64, float64, bool:
			bad(branch, key, msg.T("%v: want text in quotes, as in %s = \"%v\"", describe(v), key, x))
		default:
			bad(branch, key, msg.T("%v: want text in quotes, as in %s = \"…\"", describe(v), key))
		}
	case kindBool:
		if _, ok := v.(bool); !ok {
			bad(branch, key, msg.T("%v: want true or false, without quotes", describe(v)))
		}
	case kindBan:
		var text string
		switch n := v.(type) {
		case string:
			text = n
		case int64:
			text = fmt.Sprint(n)
		default:
			bad(branch, key, msg.T("%v: want the 統一編號 in quotes, as in %s = \"04595257\"", describe(v), key))
			return
		}
		if _, err := ranges.ParseBan(text); err != nil {
			bad(branch, key, msg.T("%v", err))
		}
	case kindFiles:
		list, ok := v.([]any)
		if !ok {
			bad(branch, key, msg.T("%v: want a list of file names or patterns, as in %s = [\"a.csv\", \"b/*.xlsx\"]", describe(v), key))
			return
		}
		for i, e := range list {
			if _, ok := e.(string); !ok {
				bad(branch, key, msg.T("item %d is %v: want a file name or pattern in quotes", i+1, describe(e)))
			}
		}
	case kindTable:
		t, ok := v.(map[string]any)
		if !ok {
			bad(branch, key, msg.T("%v: want a [branch.columns] table of header names", describe(v)))
			return
		}
		for _, k := range sortedKeys(t) {
			example, known := columnExamples[k]
			_, text := t[k].(string)
			switch {
			case !known:
				unknownKey(branch, key+"."+k, unknown)
			case text:
			case k == "sheet":
				bad(branch, key+"."+k, msg.T("%v: want the sheet's name in quotes, as in %s = %s", describe(t[k]), k, ranges.Quote(example)))
			default:
				bad(branch, key+"."+k, msg.T("%v: want the column's header text in quotes, as in %s = %s", describe(t[k]), k, ranges.Quote(example)))
			}
		}
	}
}

// describe names a decoded TOML value for a message: its kind and, for a
// scalar, the value.
func describe(v any) msg.Message {
	switch x := v.(type) {
	case string:
		return msg.T("the text %s", ranges.Quote(x))
	case bool:
		return msg.T("the boolean %v", x)
	case int64:
		return msg.T("the number %d", x)
	case float64:
		return msg.T("the number %s", fmt.Sprint(x))
	case time.Time:
		return msg.T("the date %s", fmt.Sprint(x))
	case []any, []map[string]any:
		return msg.T("a list")
	case map[string]any:
		return msg.T("a table")
	}
	return msg.T("a %s", fmt.Sprintf("%T", v))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// syntaxHint adds, to the decoder's message for a bad TOML line, what the
// user most likely meant.
func syntaxHint(key, message string) msg.Message {
	last := key[strings.LastIndex(key, ".")+1:]
	if (last == "head" || last == "ban") && strings.Contains(message, "leading zero") {
		return msg.T("not valid TOML (%s): a 統一編號 goes in quotes, as in %s = \"04595257\"", message, last)
	}
	return msg.T("not valid TOML: %s", message)
}
