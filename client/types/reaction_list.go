package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// ReactionList is the reactions Telegram offers (messages.getAvailableReactions), with the
// hash that names this version of the list.
type ReactionList struct {
	// Hash names the list; asking again with it answers "not modified" while it is current.
	Hash int32
	// Reactions are in the order Telegram shows them.
	Reactions []*AvailableReaction
}

// AvailableReaction is one reaction of the list: its emoji, title, and the images and
// animations clients show. Each image is typed media (a *Sticker for the usual .webp and .tgs
// files, else a *Document), nil when Telegram sent none.
type AvailableReaction struct {
	// Reaction is the emoji, as SendReaction takes it.
	Reaction string
	// Title is the reaction's name.
	Title string
	// Inactive reactions can no longer be chosen; Premium ones need Premium.
	Inactive, Premium bool
	// StaticIcon is the reaction's still image.
	StaticIcon Media
	// AppearAnimation, SelectAnimation, ActivateAnimation and EffectAnimation are played
	// when the reaction appears, is chosen, is sent and lands.
	AppearAnimation, SelectAnimation, ActivateAnimation, EffectAnimation Media
	// AroundAnimation and CenterIcon, when present, are the large effect's parts.
	AroundAnimation, CenterIcon Media
	// Raw is the TL object.
	Raw *tg.AvailableReaction
}

// NewReactionList builds a ReactionList from messages.availableReactions; nil for
// messages.availableReactionsNotModified and nil.
func NewReactionList(r tg.MessagesAvailableReactionsClass) *ReactionList {
	list, ok := r.(*tg.MessagesAvailableReactions)
	if !ok || list == nil {
		return nil
	}
	out := &ReactionList{Hash: list.Hash, Reactions: make([]*AvailableReaction, len(list.Reactions))}
	for i := range list.Reactions {
		out.Reactions[i] = NewAvailableReaction(&list.Reactions[i])
	}
	return out
}

// NewAvailableReaction builds an AvailableReaction; nil for nil.
func NewAvailableReaction(r *tg.AvailableReaction) *AvailableReaction {
	if r == nil {
		return nil
	}
	return &AvailableReaction{
		Reaction: r.Reaction, Title: r.Title, Inactive: r.Inactive, Premium: r.Premium,
		StaticIcon:        NewDocumentMedia(r.StaticIcon),
		AppearAnimation:   NewDocumentMedia(r.AppearAnimation),
		SelectAnimation:   NewDocumentMedia(r.SelectAnimation),
		ActivateAnimation: NewDocumentMedia(r.ActivateAnimation),
		EffectAnimation:   NewDocumentMedia(r.EffectAnimation),
		AroundAnimation:   NewDocumentMedia(r.AroundAnimation),
		CenterIcon:        NewDocumentMedia(r.CenterIcon),
		Raw:               r,
	}
}
