package world

import (
	"fmt"
	"slices"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// What a bot configures about itself: commands per scope and language (bots.setBotCommands),
// name, about text and description per language (bots.setBotInfo), the menu button, by
// default and per user (bots.setBotMenuButton), and the administrator rights it asks for when
// added to groups and channels.

var (
	errBotCommandInvalid     = rpcErr(400, "BOT_COMMAND_INVALID")
	errBotCommandDescInvalid = rpcErr(400, "BOT_COMMAND_DESCRIPTION_INVALID")
	errLangCodeInvalid       = rpcErr(400, "LANG_CODE_INVALID")
	errButtonTextInvalid     = rpcErr(400, "BUTTON_TEXT_INVALID")
)

// maxBotCommands bounds the commands of one scope and language.
const maxBotCommands = 100

type botSettings struct {
	commands map[string][]tg.BotCommand // scope+language -> commands
	info     map[string]*botInfoText    // language -> texts ("" is the default)
	menu     map[int64]tg.BotMenuButtonClass
	// default administrator rights asked for in groups and channels
	groupRights, broadcastRights *tg.ChatAdminRights
}

type botInfoText struct {
	name, about, description string
}

func (a *account) settings() *botSettings {
	if a.botSettings == nil {
		a.botSettings = &botSettings{
			commands: make(map[string][]tg.BotCommand),
			info:     make(map[string]*botInfoText),
			menu:     make(map[int64]tg.BotMenuButtonClass),
		}
	}
	return a.botSettings
}

// authorizedBot is authorized for bot-only methods: USER_BOT_REQUIRED for people.
func (w *World) authorizedBot(key KeyID) (*account, error) {
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if !a.bot {
		return nil, ErrUserBotRequired
	}
	return a, nil
}

// scopeKey names a command scope with the peers it mentions resolved.
func (w *World) scopeKey(a *account, scope tg.BotCommandScopeClass, lang string) (string, error) {
	if len(lang) > 10 {
		return "", errLangCodeInvalid
	}
	switch s := scope.(type) {
	case *tg.BotCommandScopeDefault, nil:
		return "default/" + lang, nil
	case *tg.BotCommandScopeUsers:
		return "users/" + lang, nil
	case *tg.BotCommandScopeChats:
		return "chats/" + lang, nil
	case *tg.BotCommandScopeChatAdmins:
		return "admins/" + lang, nil
	case *tg.BotCommandScopePeer:
		p, err := w.resolvePeer(a, s.Peer)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("peer/%v/%s", p, lang), nil
	case *tg.BotCommandScopePeerAdmins:
		p, err := w.resolvePeer(a, s.Peer)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("peeradmins/%v/%s", p, lang), nil
	case *tg.BotCommandScopePeerUser:
		p, err := w.resolvePeer(a, s.Peer)
		if err != nil {
			return "", err
		}
		u, err := w.resolveUser(a, s.UserID)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("peeruser/%v/%d/%s", p, u.id, lang), nil
	}
	return "", rpcErr(400, "BOT_COMMAND_SCOPE_INVALID")
}

func validCommand(c tg.BotCommand) error {
	if len(c.Command) == 0 || len(c.Command) > 32 {
		return errBotCommandInvalid
	}
	for _, r := range c.Command {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return errBotCommandInvalid
		}
	}
	if n := len([]rune(c.Description)); n == 0 || n > 256 {
		return errBotCommandDescInvalid
	}
	return nil
}

// SetBotCommands answers bots.setBotCommands; an empty list removes the scope's commands.
func (w *World) SetBotCommands(key KeyID, scope tg.BotCommandScopeClass, lang string, cmds []tg.BotCommand) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedBot(key)
	if err != nil {
		return err
	}
	k, err := w.scopeKey(a, scope, lang)
	if err != nil {
		return err
	}
	if len(cmds) > maxBotCommands {
		return errBotCommandInvalid
	}
	for _, c := range cmds {
		if err := validCommand(c); err != nil {
			return err
		}
	}
	if len(cmds) == 0 {
		delete(a.settings().commands, k)
		return nil
	}
	a.settings().commands[k] = slices.Clone(cmds)
	return nil
}

// GetBotCommands answers bots.getBotCommands: the commands set for exactly that scope and
// language.
func (w *World) GetBotCommands(key KeyID, scope tg.BotCommandScopeClass, lang string) ([]tg.BotCommand, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedBot(key)
	if err != nil {
		return nil, err
	}
	k, err := w.scopeKey(a, scope, lang)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(a.settings().commands[k])
	if out == nil {
		out = []tg.BotCommand{}
	}
	return out, nil
}

// ResetBotCommands answers bots.resetBotCommands.
func (w *World) ResetBotCommands(key KeyID, scope tg.BotCommandScopeClass, lang string) error {
	return w.SetBotCommands(key, scope, lang, nil)
}

// botFor returns the bot a settings call is about: the caller itself (bot empty), or a bot
// it owns (the test world has no owners: only the caller itself).
func (w *World) botFor(key KeyID, bot tg.InputUserClass) (*account, error) {
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	switch bot.(type) {
	case nil, *tg.InputUserEmpty, *tg.InputUserSelf:
		if !a.bot {
			return nil, ErrUserBotRequired
		}
		return a, nil
	}
	b, err := w.resolveUser(a, bot)
	if err != nil {
		return nil, err
	}
	if !b.bot || b.id != a.id {
		return nil, ErrBotInvalid
	}
	return b, nil
}

// SetBotInfo answers bots.setBotInfo: the texts that are set change for the language; the
// default language's name is the bot's first name.
func (w *World) SetBotInfo(key KeyID, bot tg.InputUserClass, lang string, name, about, description tl.Opt[string]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.botFor(key, bot)
	if err != nil {
		return err
	}
	if len(lang) > 10 {
		return errLangCodeInvalid
	}
	if name.Set && (len([]rune(name.Value)) > 64 || name.Value == "" && lang == "") {
		return ErrFirstNameInvalid
	}
	if about.Set && len([]rune(about.Value)) > 120 {
		return errAboutTooLong
	}
	if description.Set && len([]rune(description.Value)) > 512 {
		return rpcErr(400, "DESCRIPTION_TOO_LONG")
	}
	s := a.settings()
	t := s.info[lang]
	if t == nil {
		t = &botInfoText{}
		s.info[lang] = t
	}
	if name.Set {
		t.name = name.Value
		if lang == "" {
			a.firstName = name.Value
		}
	}
	if about.Set {
		t.about = about.Value
		if lang == "" {
			a.about = about.Value
		}
	}
	if description.Set {
		t.description = description.Value
	}
	return nil
}

// GetBotInfo answers bots.getBotInfo: the texts of the language, falling back to the
// default language's.
func (w *World) GetBotInfo(key KeyID, bot tg.InputUserClass, lang string) (*tg.BotsBotInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.botFor(key, bot)
	if err != nil {
		return nil, err
	}
	t := a.botText(lang)
	return &tg.BotsBotInfo{Name: t.name, About: t.about, Description: t.description}, nil
}

// botText returns the bot's texts in lang, each falling back to the default language.
func (a *account) botText(lang string) botInfoText {
	out := botInfoText{name: a.firstName, about: a.about}
	s := a.settings()
	for _, l := range []string{"", lang} {
		t := s.info[l]
		if t == nil {
			continue
		}
		if t.name != "" {
			out.name = t.name
		}
		if t.about != "" {
			out.about = t.about
		}
		if t.description != "" {
			out.description = t.description
		}
	}
	return out
}

// SetBotMenuButton answers bots.setBotMenuButton: for one user, or the default (userEmpty).
func (w *World) SetBotMenuButton(key KeyID, user tg.InputUserClass, b tg.BotMenuButtonClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedBot(key)
	if err != nil {
		return err
	}
	id := int64(0)
	if _, def := user.(*tg.InputUserEmpty); !def && user != nil {
		u, err := w.resolveUser(a, user)
		if err != nil {
			return err
		}
		id = u.id
	}
	switch v := b.(type) {
	case *tg.BotMenuButton:
		if v.Text == "" || len([]rune(v.Text)) > 64 {
			return errButtonTextInvalid
		}
		if !validURL(v.URL) {
			return ErrURLInvalid
		}
	case *tg.BotMenuButtonDefault, *tg.BotMenuButtonCommands:
	default:
		return rpcErr(400, "BUTTON_TYPE_INVALID")
	}
	if _, def := b.(*tg.BotMenuButtonDefault); def {
		delete(a.settings().menu, id)
		return nil
	}
	a.settings().menu[id] = b
	return nil
}

// menuFor returns the menu button user sees for bot a.
func (a *account) menuFor(user int64) tg.BotMenuButtonClass {
	s := a.settings()
	if b, ok := s.menu[user]; ok {
		return b
	}
	if b, ok := s.menu[0]; ok {
		return b
	}
	return &tg.BotMenuButtonDefault{}
}

// GetBotMenuButton answers bots.getBotMenuButton.
func (w *World) GetBotMenuButton(key KeyID, user tg.InputUserClass) (tg.BotMenuButtonClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedBot(key)
	if err != nil {
		return nil, err
	}
	id := int64(0)
	if _, def := user.(*tg.InputUserEmpty); !def && user != nil {
		u, err := w.resolveUser(a, user)
		if err != nil {
			return nil, err
		}
		id = u.id
	}
	return a.menuFor(id), nil
}

// SetBotDefaultAdminRights answers bots.setBotGroupDefaultAdminRights (broadcast false) and
// bots.setBotBroadcastDefaultAdminRights.
func (w *World) SetBotDefaultAdminRights(key KeyID, broadcast bool, rights tg.ChatAdminRights) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedBot(key)
	if err != nil {
		return err
	}
	r := rights
	if broadcast {
		a.settings().broadcastRights = &r
	} else {
		a.settings().groupRights = &r
	}
	return nil
}

// fillBotInfo adds the bot's description, default commands, menu button and default rights
// to its full user.
func (w *World) fillBotInfo(viewer, a *account, full *tg.UserFull) {
	t := a.botText("")
	if t.about != "" {
		full.About = tl.Some(t.about)
	}
	s := a.settings()
	cmds := slices.Clone(s.commands["default/"])
	if cmds == nil {
		cmds = []tg.BotCommand{}
	}
	full.BotInfo = &tg.BotInfo{
		UserID: tl.Some(a.id), Description: tl.Some(t.description), Commands: cmds, MenuButton: a.menuFor(viewer.id),
	}
	full.BotGroupAdminRights = s.groupRights
	full.BotBroadcastAdminRights = s.broadcastRights
}
