package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// BotCommand is one command of a bot's menu: the command without "/" and its description.
type BotCommand struct {
	Command, Description string
}

// NewBotCommands converts a list of tg.BotCommand.
func NewBotCommands(in []tg.BotCommand) []BotCommand {
	out := make([]BotCommand, 0, len(in))
	for _, c := range in {
		out = append(out, BotCommand{Command: c.Command, Description: c.Description})
	}
	return out
}

// MenuButtonKind says what a bot's menu button does.
type MenuButtonKind uint8

// Menu button kinds.
const (
	// MenuButtonDefault leaves the choice to the app (commands, or the default web app).
	MenuButtonDefault MenuButtonKind = iota
	// MenuButtonCommands opens the list of commands.
	MenuButtonCommands
	// MenuButtonWebApp opens the web app at URL, labelled Text.
	MenuButtonWebApp
)

// MenuButton is the button next to the message field in a chat with a bot.
type MenuButton struct {
	Kind      MenuButtonKind
	Text, URL string // web app buttons only
}

// NewMenuButton converts a tg.BotMenuButtonClass (nil is the default).
func NewMenuButton(b tg.BotMenuButtonClass) MenuButton {
	switch b := b.(type) {
	case *tg.BotMenuButtonCommands:
		return MenuButton{Kind: MenuButtonCommands}
	case *tg.BotMenuButton:
		return MenuButton{Kind: MenuButtonWebApp, Text: b.Text, URL: b.URL}
	}
	return MenuButton{Kind: MenuButtonDefault}
}

// TL returns the button as a tg.BotMenuButtonClass.
func (b MenuButton) TL() tg.BotMenuButtonClass {
	switch b.Kind {
	case MenuButtonCommands:
		return &tg.BotMenuButtonCommands{}
	case MenuButtonWebApp:
		return &tg.BotMenuButton{Text: b.Text, URL: b.URL}
	}
	return &tg.BotMenuButtonDefault{}
}
