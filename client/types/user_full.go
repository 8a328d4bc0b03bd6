package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// UserFull is what users.getFullUser tells about a user beyond the User itself.
type UserFull struct {
	User *User
	// Bio is the user's about text (a bot's short description).
	Bio string
	// CommonChatsCount is how many groups and channels the user shares with the account.
	CommonChatsCount int
	// Blocked reports whether the account blocked the user.
	Blocked bool
	// PersonalChannelID is the channel shown on the profile, 0 without one.
	PersonalChannelID int64
	// Birthday is set when the user shows it; Year is 0 when hidden.
	Birthday *Birthday
	// Photo is the current profile photo, nil without one (or when hidden).
	Photo *ProfilePhoto
	// Business holds the business profile, nil for other accounts.
	Business *BusinessInfo
	// Bot holds what a bot configured about itself, nil for people.
	Bot *BotInfo
	// Settings is the action bar of the account's chat with the user (as
	// Client.GetPeerSettings returns it).
	Settings *PeerSettings
	// Raw is the object the value was built from.
	Raw *tg.UserFull
}

// Birthday is a day of the year, with the year when known.
type Birthday struct {
	Day, Month, Year int
}

// BusinessInfo is the business part of a profile.
type BusinessInfo struct {
	// Address is the business location's address, "" without one.
	Address string
	// Intro is the title of the business intro, "" without one.
	Intro string
	// TimeZone is the work hours' time zone id, "" without work hours.
	TimeZone string
	// Greeting and Away report whether automatic greeting and away messages are on.
	Greeting, Away bool
}

// BotInfo is what a bot shows on its profile: the description (what a new chat shows), its
// commands, its menu button and the administrator rights it asks for.
type BotInfo struct {
	Description string
	Commands    []BotCommand
	MenuButton  MenuButton
	// GroupAdminRights and ChannelAdminRights are the rights the bot asks for when added
	// to a group or a channel; nil when none are set.
	GroupAdminRights, ChannelAdminRights *AdminRights
}

// ProfilePhoto is one of a user's profile photos.
type ProfilePhoto struct {
	// ID and AccessHash name the photo; FileReference is needed to use it in requests.
	ID, AccessHash int64
	FileReference  []byte
	// Date is when it was set.
	Date time.Time
	// DC is the data center that stores it.
	DC int
	// IsVideo reports an animated profile photo.
	IsVideo bool
	// Raw is the photo it was built from.
	Raw *tg.Photo
}

// NewProfilePhoto builds a ProfilePhoto; nil for photoEmpty.
func NewProfilePhoto(p tg.PhotoClass) *ProfilePhoto {
	ph, ok := p.(*tg.Photo)
	if !ok || ph == nil {
		return nil
	}
	return &ProfilePhoto{
		ID: ph.ID, AccessHash: ph.AccessHash, FileReference: ph.FileReference,
		Date: time.Unix(int64(ph.Date), 0), DC: int(ph.DCID), IsVideo: len(ph.VideoSizes) > 0, Raw: ph,
	}
}

// InputPhoto returns the photo as a tg.InputPhotoClass.
func (p *ProfilePhoto) InputPhoto() tg.InputPhotoClass {
	return &tg.InputPhoto{ID: p.ID, AccessHash: p.AccessHash, FileReference: p.FileReference}
}

// NewUserFull builds a UserFull from users.userFull; the user is looked up in its users.
func NewUserFull(res *tg.UsersUserFull) *UserFull {
	if res == nil {
		return nil
	}
	f := &res.FullUser
	out := &UserFull{
		Bio: f.About.Value, CommonChatsCount: int(f.CommonChatsCount), Blocked: f.Blocked,
		PersonalChannelID: f.PersonalChannelID.Value, Photo: NewProfilePhoto(f.ProfilePhoto), Raw: f,
		Settings: NewPeerSettings(&f.Settings, NewEntities(res.Users, res.Chats)),
	}
	for _, u := range res.Users {
		if v := NewUser(u); v != nil && v.ID == f.ID {
			out.User = v
		}
	}
	if b := f.Birthday; b != nil {
		out.Birthday = &Birthday{Day: int(b.Day), Month: int(b.Month), Year: int(b.Year.Value)}
	}
	if f.BusinessLocation != nil || f.BusinessIntro != nil || f.BusinessWorkHours != nil ||
		f.BusinessGreetingMessage != nil || f.BusinessAwayMessage != nil {
		bi := &BusinessInfo{Greeting: f.BusinessGreetingMessage != nil, Away: f.BusinessAwayMessage != nil}
		if f.BusinessLocation != nil {
			bi.Address = f.BusinessLocation.Address
		}
		if f.BusinessIntro != nil {
			bi.Intro = f.BusinessIntro.Title
		}
		if f.BusinessWorkHours != nil {
			bi.TimeZone = f.BusinessWorkHours.TimezoneID
		}
		out.Business = bi
	}
	if bi := f.BotInfo; bi != nil {
		out.Bot = &BotInfo{
			Description: bi.Description.Value, Commands: NewBotCommands(bi.Commands), MenuButton: NewMenuButton(bi.MenuButton),
			GroupAdminRights: adminRightsOf(f.BotGroupAdminRights), ChannelAdminRights: adminRightsOf(f.BotBroadcastAdminRights),
		}
	}
	return out
}

func adminRightsOf(r *tg.ChatAdminRights) *AdminRights {
	if r == nil {
		return nil
	}
	v := AdminRightsFrom(*r)
	return &v
}
