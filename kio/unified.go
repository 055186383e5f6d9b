package kio

import (
	"fmt"
	"strings"
)

// contextLines is the number of unchanged lines shown around each change.
const contextLines = 3

// UnifiedDiff returns a unified diff of before and after as `git apply`
// accepts it ("--- a/path", "+++ b/path", 3 lines of context, and
// "\ No newline at end of file" where a side lacks a final newline).
// It returns "" when the two are equal.
func UnifiedDiff(path string, before, after []byte) (string, error) {
	if string(before) == string(after) {
		return "", nil
	}
	a, aEOL := diffSide(before)
	b, bEOL := diffSide(after)
	ka, kb := diffKeys(a, aEOL), diffKeys(b, bEOL)
	ops, err := diffLines(ka, kb)
	if err != nil {
		return "", err
	}
	var script []line
	i, j := 0, 0
	for _, op := range ops {
		for k := 0; k < op.n; k++ {
			switch op.kind {
			case opEqual:
				script = append(script, line{' ', a[i], i == len(a)-1 && !aEOL})
				i++
				j++
			case opDelete:
				script = append(script, line{'-', a[i], i == len(a)-1 && !aEOL})
				i++
			case opInsert:
				script = append(script, line{'+', b[j], j == len(b)-1 && !bEOL})
				j++
			}
		}
	}
	slide(script)
	p := strings.TrimPrefix(strings.TrimPrefix(path, "./"), "/")
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", diffName("a/"+p), diffName("b/"+p))
	for s := 0; s < len(script); {
		if script[s].op == ' ' {
			s++
			continue
		}
		start := max(s-contextLines, 0)
		end := s
		for end < len(script) {
			if script[end].op != ' ' {
				end++
				continue
			}
			run := end
			for run < len(script) && script[run].op == ' ' {
				run++
			}
			if run == len(script) || run-end > 2*contextLines {
				end = min(end+contextLines, len(script))
				break
			}
			end = run
		}
		// Line numbers of the hunk's first line on each side.
		aLine, bLine := 1, 1
		for _, l := range script[:start] {
			if l.op != '+' {
				aLine++
			}
			if l.op != '-' {
				bLine++
			}
		}
		aCount, bCount := 0, 0
		for _, l := range script[start:end] {
			if l.op != '+' {
				aCount++
			}
			if l.op != '-' {
				bCount++
			}
		}
		if aCount == 0 {
			aLine--
		}
		if bCount == 0 {
			bLine--
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(aLine, aCount), hunkRange(bLine, bCount))
		for _, l := range script[start:end] {
			out.WriteByte(l.op)
			out.WriteString(l.text)
			out.WriteByte('\n')
			if l.last {
				out.WriteString("\\ No newline at end of file\n")
			}
		}
		s = end
	}
	return out.String(), nil
}

// diffName writes a file name for a diff header as git does (its
// quote_c_style, with core.quotePath on): a name holding a control
// character, a double quote, a backslash or a byte of a non-ASCII
// character is double-quoted with C escapes (\t, \n, \", \\, octal for
// the rest), and a name with a space is followed by a tab.
func diffName(name string) string {
	quote := false
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			quote = true
			break
		}
	}
	if quote {
		var b strings.Builder
		b.WriteByte('"')
		for i := 0; i < len(name); i++ {
			c := name[i]
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c >= 0x07 && c <= 0x0d:
				b.WriteByte('\\')
				b.WriteByte("abtnvfr"[c-0x07])
			case c < 0x20 || c >= 0x7f:
				fmt.Fprintf(&b, "\\%03o", c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
		name = b.String()
	}
	if strings.Contains(name, " ") {
		name += "\t"
	}
	return name
}

// line is one line of a unified diff script.
type line struct {
	op   byte // ' ', '-' or '+'
	text string
	last bool // the side's last line, which lacks a newline
}

// slide moves each run of only added (or only deleted) lines to where it
// reads best among the places it could equally stand (the lines it slides
// across repeat the run's own text, so the result is the same diff): the
// run should start at a "---" separator, else at its shallowest line. On a
// tie the place the diff chose stays.
func slide(script []line) {
	for s := 0; s < len(script); {
		if script[s].op == ' ' {
			s++
			continue
		}
		e := s
		for e < len(script) && script[e].op == script[s].op {
			e++
		}
		if (s > 0 && script[s-1].op != ' ') || (e < len(script) && script[e].op != ' ') {
			s = e
			continue
		}
		op := script[s].op
		up := func() bool {
			if s == 0 || script[s-1].op != ' ' || script[s-1].text != script[e-1].text || script[s-1].last || script[e-1].last {
				return false
			}
			script[s-1].op, script[e-1].op = op, ' '
			s, e = s-1, e-1
			return true
		}
		down := func() bool {
			if e >= len(script) || script[e].op != ' ' || script[e].text != script[s].text || script[e].last || script[s].last {
				return false
			}
			script[s].op, script[e].op = ' ', op
			s, e = s+1, e+1
			return true
		}
		chosen, best := s, runScore(script[s].text)
		for up() {
		}
		for {
			if sc := runScore(script[s].text); sc < best {
				chosen, best = s, sc
			}
			if !down() {
				break
			}
		}
		for s > chosen && up() {
		}
		s = e
	}
}

// runScore ranks where a run starts: lower reads better.
func runScore(text string) int {
	if isMarker(text, "---") {
		return -1
	}
	t := strings.TrimLeft(text, " ")
	if t == "" {
		return 1 << 20
	}
	return len(text) - len(t)
}

// hunkRange formats one side of a hunk header.
func hunkRange(start, count int) string {
	if count == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}

// diffSide splits text into lines and reports whether it ends in a newline.
func diffSide(text []byte) ([]string, bool) {
	s := string(text)
	if s == "" {
		return nil, true
	}
	eol := strings.HasSuffix(s, "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n"), eol
}

// diffKeys marks a last line without newline so it never equals the same
// text with a newline.
func diffKeys(lines []string, eol bool) []string {
	if eol || len(lines) == 0 {
		return lines
	}
	k := append([]string(nil), lines...)
	k[len(k)-1] += "\x00no newline"
	return k
}
