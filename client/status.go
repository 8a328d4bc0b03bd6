package mtgo

import (
	"github.com/mtgo-labs/mtgo/client/types"
)

// NewUserStatusHandler builds a handler of user statuses for AddHandler.
func NewUserStatusHandler(cb func(*Context, *types.UserStatus) error, fs ...Filter) *Handler {
	return handlerOf(kindUserStatus, cb, func(ctx *Context) *types.UserStatus { return ctx.UserStatus }, fs)
}

// OnUserStatus registers cb in group 0 for users going online or offline (updateUserStatus).
func (c *Client) OnUserStatus(cb func(*Context, *types.UserStatus) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewUserStatusHandler(cb, fs...))
}
