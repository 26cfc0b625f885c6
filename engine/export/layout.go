package export

// budget is the room on the lines of a cue: the first line may be shorter
// because a speaker prefix shares it.
type budget struct {
	first, rest int // runes
	lines       int
}

// at returns the room on line i, counted from 0.
func (b budget) at(i int) int {
	if i == 0 {
		return b.first
	}
	return b.rest
}

// layout fills lines greedily with tokens, which uses the fewest lines
// possible, to tell whether tokens fit in a cue.
type layout struct {
	b     budget
	line  int // current line, from 0
	width int // runes on the current line
	chars int // runes on all lines, counting a space between words
	full  bool
}

// add places t after the tokens added so far and reports whether they all
// still fit in b.lines lines. Once it has returned false, it always does.
func (l *layout) add(t token) bool {
	if l.full {
		return false
	}
	l.full = !l.place(t)
	return !l.full
}

// place does the work of add.
func (l *layout) place(t token) bool {
	if l.width > 0 {
		need := t.runes
		if !t.glue {
			need++
		}
		if l.width+need <= l.b.at(l.line) {
			l.width += need
			l.chars += need
			return true
		}
		l.line++
		if l.line >= l.b.lines {
			return false
		}
		if !t.glue {
			l.chars++ // the space the line break replaces, for the cost
		}
	}
	l.width = t.runes
	l.chars += t.runes
	return t.runes <= l.b.at(l.line)
}

// joinLine returns the text of toks on one line.
func joinLine(toks []token) string {
	n := 0
	for _, t := range toks {
		n += len(t.text) + 1
	}
	buf := make([]byte, 0, n)
	for i, t := range toks {
		if i > 0 && !t.glue {
			buf = append(buf, ' ')
		}
		buf = append(buf, t.text...)
	}
	return string(buf)
}
