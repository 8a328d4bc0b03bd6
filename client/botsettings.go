package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// What a bot configures about itself: commands per scope and language, name, descriptions,
// the menu button and the administrator rights it asks for.

// BotCommandScope says who sees a list of commands. Build one with the Scope functions.
type BotCommandScope struct {
	kind       uint8
	chat, user any
}

// Command scope kinds.
const (
	scopeDefault uint8 = iota
	scopeAllPrivateChats
	scopeAllGroupChats
	scopeAllChatAdministrators
	scopeChat
	scopeChatAdministrators
	scopeChatMember
)

// ScopeDefault is every chat without a more specific list.
func ScopeDefault() BotCommandScope { return BotCommandScope{kind: scopeDefault} }

// ScopeAllPrivateChats is every private chat.
func ScopeAllPrivateChats() BotCommandScope { return BotCommandScope{kind: scopeAllPrivateChats} }

// ScopeAllGroupChats is every group and supergroup.
func ScopeAllGroupChats() BotCommandScope { return BotCommandScope{kind: scopeAllGroupChats} }

// ScopeAllChatAdministrators is the administrators of every group and supergroup.
func ScopeAllChatAdministrators() BotCommandScope {
	return BotCommandScope{kind: scopeAllChatAdministrators}
}

// ScopeChat is one chat (anything ResolvePeer takes).
func ScopeChat(chat any) BotCommandScope { return BotCommandScope{kind: scopeChat, chat: chat} }

// ScopeChatAdministrators is the administrators of one chat.
func ScopeChatAdministrators(chat any) BotCommandScope {
	return BotCommandScope{kind: scopeChatAdministrators, chat: chat}
}

// ScopeChatMember is one member of one chat.
func ScopeChatMember(chat, user any) BotCommandScope {
	return BotCommandScope{kind: scopeChatMember, chat: chat, user: user}
}

// inputScope resolves a scope's peers.
func (c *Client) inputScope(ctx context.Context, s BotCommandScope) (tg.BotCommandScopeClass, error) {
	switch s.kind {
	case scopeDefault:
		return &tg.BotCommandScopeDefault{}, nil
	case scopeAllPrivateChats:
		return &tg.BotCommandScopeUsers{}, nil
	case scopeAllGroupChats:
		return &tg.BotCommandScopeChats{}, nil
	case scopeAllChatAdministrators:
		return &tg.BotCommandScopeChatAdmins{}, nil
	}
	peer, err := c.ResolvePeer(ctx, s.chat)
	if err != nil {
		return nil, err
	}
	switch s.kind {
	case scopeChat:
		return &tg.BotCommandScopePeer{Peer: peer}, nil
	case scopeChatAdministrators:
		return &tg.BotCommandScopePeerAdmins{Peer: peer}, nil
	}
	user, err := c.resolveUser(ctx, s.user)
	if err != nil {
		return nil, err
	}
	return &tg.BotCommandScopePeerUser{Peer: peer, UserID: user}, nil
}

// SetBotCommands sets the bot's commands for scope and language (langCode "" for every
// language without its own list).
func (c *Client) SetBotCommands(ctx context.Context, scope BotCommandScope, langCode string, commands []types.BotCommand) error {
	sc, err := c.inputScope(ctx, scope)
	if err != nil {
		return err
	}
	in := make([]tg.BotCommand, 0, len(commands))
	for _, cmd := range commands {
		in = append(in, tg.BotCommand{Command: cmd.Command, Description: cmd.Description})
	}
	return c.boolCall(ctx, "set bot commands", &tg.BotsSetBotCommandsRequest{Scope: sc, LangCode: langCode, Commands: in})
}

// GetBotCommands returns the bot's commands for exactly that scope and language.
func (c *Client) GetBotCommands(ctx context.Context, scope BotCommandScope, langCode string) ([]types.BotCommand, error) {
	sc, err := c.inputScope(ctx, scope)
	if err != nil {
		return nil, err
	}
	res, err := result(c.api().BotsGetBotCommands(ctx, &tg.BotsGetBotCommandsRequest{Scope: sc, LangCode: langCode}))("get bot commands")
	if err != nil {
		return nil, err
	}
	return types.NewBotCommands(res), nil
}

// DeleteBotCommands removes the bot's commands for scope and language; wider scopes apply
// again.
func (c *Client) DeleteBotCommands(ctx context.Context, scope BotCommandScope, langCode string) error {
	sc, err := c.inputScope(ctx, scope)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "delete bot commands", &tg.BotsResetBotCommandsRequest{Scope: sc, LangCode: langCode})
}

// botInfoField is one of the texts of bots.setBotInfo.
type botInfoField uint8

const (
	botName botInfoField = iota
	botDescription
	botShortDescription
)

func (f botInfoField) String() string {
	return [...]string{"bot name", "bot description", "bot short description"}[f]
}

func (c *Client) setBotInfo(ctx context.Context, f botInfoField, langCode, text string) error {
	req := &tg.BotsSetBotInfoRequest{LangCode: langCode}
	switch f {
	case botName:
		req.Name = tl.Some(text)
	case botDescription:
		req.Description = tl.Some(text)
	default:
		req.About = tl.Some(text)
	}
	return c.boolCall(ctx, "set "+f.String(), req)
}

func (c *Client) getBotInfo(ctx context.Context, f botInfoField, langCode string) (string, error) {
	res, err := result(c.api().BotsGetBotInfo(ctx, &tg.BotsGetBotInfoRequest{LangCode: langCode}))("get " + f.String())
	if err != nil {
		return "", err
	}
	return [...]string{res.Name, res.Description, res.About}[f], nil
}

// SetBotName sets the bot's name in a language ("" for the default).
func (c *Client) SetBotName(ctx context.Context, langCode, name string) error {
	return c.setBotInfo(ctx, botName, langCode, name)
}

// GetBotName returns the bot's name in a language.
func (c *Client) GetBotName(ctx context.Context, langCode string) (string, error) {
	return c.getBotInfo(ctx, botName, langCode)
}

// SetBotInfoDescription sets the description shown in an empty chat with the bot.
func (c *Client) SetBotInfoDescription(ctx context.Context, langCode, description string) error {
	return c.setBotInfo(ctx, botDescription, langCode, description)
}

// GetBotInfoDescription returns the bot's description in a language.
func (c *Client) GetBotInfoDescription(ctx context.Context, langCode string) (string, error) {
	return c.getBotInfo(ctx, botDescription, langCode)
}

// SetBotInfoShortDescription sets the short description (the profile's about text).
func (c *Client) SetBotInfoShortDescription(ctx context.Context, langCode, description string) error {
	return c.setBotInfo(ctx, botShortDescription, langCode, description)
}

// GetBotInfoShortDescription returns the bot's short description in a language.
func (c *Client) GetBotInfoShortDescription(ctx context.Context, langCode string) (string, error) {
	return c.getBotInfo(ctx, botShortDescription, langCode)
}

// menuUser resolves the user of a menu button call; nil is every user (the default).
func (c *Client) menuUser(ctx context.Context, user any) (tg.InputUserClass, error) {
	if user == nil {
		return &tg.InputUserEmpty{}, nil
	}
	return c.resolveUser(ctx, user)
}

// SetChatMenuButton sets the bot's menu button in the private chat with user, or the
// default for everyone when user is nil.
func (c *Client) SetChatMenuButton(ctx context.Context, user any, button types.MenuButton) error {
	in, err := c.menuUser(ctx, user)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "set chat menu button", &tg.BotsSetBotMenuButtonRequest{UserID: in, Button: button.TL()})
}

// GetChatMenuButton returns the bot's menu button in the private chat with user (nil: the
// default).
func (c *Client) GetChatMenuButton(ctx context.Context, user any) (types.MenuButton, error) {
	in, err := c.menuUser(ctx, user)
	if err != nil {
		return types.MenuButton{}, err
	}
	res, err := result(c.api().BotsGetBotMenuButton(ctx, &tg.BotsGetBotMenuButtonRequest{UserID: in}))("get chat menu button")
	if err != nil {
		return types.MenuButton{}, err
	}
	return types.NewMenuButton(res), nil
}

// SetBotDefaultAdminRights sets the administrator rights the bot asks for when added to a
// group (forChannels false) or to a channel.
func (c *Client) SetBotDefaultAdminRights(ctx context.Context, forChannels bool, rights types.AdminRights) error {
	if forChannels {
		return c.boolCall(ctx, "set bot default channel admin rights", &tg.BotsSetBotBroadcastDefaultAdminRightsRequest{AdminRights: rights.TG()})
	}
	return c.boolCall(ctx, "set bot default group admin rights", &tg.BotsSetBotGroupDefaultAdminRightsRequest{AdminRights: rights.TG()})
}
