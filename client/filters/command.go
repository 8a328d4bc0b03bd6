package filters

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

// CommandMatch is a command parsed from a message's text, as CommandOf returns it.
type CommandMatch struct {
	// Prefix is the prefix the command was written with ("/" unless configured otherwise).
	Prefix string
	// Command is the command's name as written, without the prefix and the bot's username.
	Command string
	// Mention is the bot username after "@" ("/start@my_bot"), empty when none.
	Mention string
	// Args are the arguments: words separated by white space; a part in double or single
	// quotes is one argument without its quotes, in which a backslash makes the next
	// character literal.
	Args []string
	// ArgsText is everything after the command and the white space that follows it.
	ArgsText string
}

// CommandConfig configures CommandWith.
type CommandConfig struct {
	// Prefixes are the characters (or strings) a command starts with; empty means "/".
	Prefixes []string
	// CaseInsensitive matches the command's name regardless of case ("/START" is "start").
	CaseInsensitive bool
}

const commandKey = "mtgo/filters.command"

// Command passes messages whose text is one of the commands names ("start" for /start; none
// for any command), with the prefix "/", the name compared exactly. A command addressed to a
// bot by username ("/start@name") passes only when name is the client's own username. The
// parsed command is available to the handler through CommandOf.
func Command(names ...string) mtgo.Filter { return CommandWith(CommandConfig{}, names...) }

// CommandWith is Command with other prefixes or case-insensitive names.
func CommandWith(cfg CommandConfig, names ...string) mtgo.Filter {
	prefixes := slices.Clone(cfg.Prefixes)
	if len(prefixes) == 0 {
		prefixes = []string{"/"}
	}
	// Longer prefixes first, so "//" wins over "/".
	slices.SortStableFunc(prefixes, func(a, b string) int { return len(b) - len(a) })
	names = slices.Clone(names)
	return func(ctx *mtgo.Context) bool {
		if ctx.Message == nil {
			return false
		}
		cm, ok := ParseCommand(ctx.Message.Text, prefixes)
		if !ok || !nameIn(cm.Command, names, cfg.CaseInsensitive) {
			return false
		}
		if cm.Mention != "" && !addressedToUs(ctx, cm.Mention) {
			return false
		}
		found := new(CommandMatch) // allocated only for a match: cm itself stays on the stack
		*found = cm
		ctx.Set(commandKey, found)
		return true
	}
}

func nameIn(name string, names []string, fold bool) bool {
	if len(names) == 0 {
		return true
	}
	for _, n := range names {
		if name == n || (fold && strings.EqualFold(name, n)) {
			return true
		}
	}
	return false
}

// addressedToUs reports whether mention is the client's own username (usernames ignore
// case). Without a client or a known username nobody can be addressed.
func addressedToUs(ctx *mtgo.Context, mention string) bool {
	if ctx.Client == nil {
		return false
	}
	me := ctx.Client.Me()
	return me != nil && me.Username != "" && strings.EqualFold(me.Username, mention)
}

// CommandOf returns the command the Command filter parsed for this update.
func CommandOf(ctx *mtgo.Context) (*CommandMatch, bool) {
	v, ok := ctx.Get(commandKey)
	if !ok {
		return nil, false
	}
	cm, ok := v.(*CommandMatch)
	return cm, ok
}

// ParseCommand parses text as a command with one of prefixes: the prefix, then the name (up
// to white space or "@"), an optional "@username", then the arguments. It reports false when
// text does not start with a prefix followed by a name. It runs in time linear in len(text)
// and never fails otherwise.
func ParseCommand(text string, prefixes []string) (CommandMatch, bool) {
	var cm CommandMatch
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(text, p) {
			cm.Prefix = p
			break
		}
	}
	if cm.Prefix == "" {
		return cm, false
	}
	rest := text[len(cm.Prefix):]
	end := strings.IndexFunc(rest, unicode.IsSpace)
	if end < 0 {
		end = len(rest)
	}
	token := rest[:end]
	cm.Command, cm.Mention, _ = strings.Cut(token, "@")
	if cm.Command == "" {
		return CommandMatch{}, false
	}
	cm.ArgsText = strings.TrimLeftFunc(rest[end:], unicode.IsSpace)
	cm.Args = splitArgs(cm.ArgsText)
	return cm, true
}

// splitArgs splits s into words; quoted parts are kept whole without their quotes, and a
// backslash inside quotes makes the next character literal. An unclosed quote runs to the
// end. One pass over s.
func splitArgs(s string) []string {
	var args []string
	var b strings.Builder
	inArg := false
	var quote rune // the open quote, 0 outside quotes
	escaped := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case escaped:
			b.WriteRune(r)
			escaped = false
		case quote != 0 && r == '\\':
			escaped = true
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			b.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inArg = r, true
		case unicode.IsSpace(r):
			if inArg {
				args = append(args, b.String())
				b.Reset()
				inArg = false
			}
		default:
			b.WriteRune(r)
			inArg = true
		}
	}
	if inArg {
		args = append(args, b.String())
	}
	return args
}
