package world

import (
	"cmp"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The own profile: names, bio, username, emoji status and profile photos (photos.*), and
// what users.getFullUser adds to a user.

var (
	errAboutTooLong        = rpcErr(400, "ABOUT_TOO_LONG")
	errUsernameNotModified = rpcErr(400, "USERNAME_NOT_MODIFIED")
	errPhotoInvalid        = rpcErr(400, "PHOTO_INVALID")
)

// maxAbout is the longest bio of a person.
const maxAbout = 70

// profilePhoto is one of an account's profile photos; video marks an animated one.
type profilePhoto struct {
	file  *file
	video bool
}

func (p *profilePhoto) tg() *tg.Photo {
	ph := p.file.tgPhoto()
	if p.video {
		ph.VideoSizes = []tg.VideoSizeClass{&tg.VideoSize{Type: "u", W: 800, H: 800, Size: int32(len(p.file.data))}}
	}
	return ph
}

// UpdateProfile answers account.updateProfile: the fields that are set change (an empty first
// name is FIRSTNAME_INVALID, a bio over 70 characters ABOUT_TOO_LONG); the account's other
// sessions and the people it talks to get updateUserName.
func (w *World) UpdateProfile(key KeyID, first, last, about tl.Opt[string]) (*tg.User, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if first.Set && strings.TrimSpace(first.Value) == "" {
		return nil, ErrFirstNameInvalid
	}
	if about.Set && len([]rune(about.Value)) > maxAbout {
		return nil, errAboutTooLong
	}
	renamed := first.Set && first.Value != a.firstName || last.Set && last.Value != a.lastName
	if first.Set {
		a.firstName = first.Value
	}
	if last.Set {
		a.lastName = last.Value
	}
	if about.Set {
		a.about = about.Value
	}
	if renamed {
		w.announceName(key, a)
	}
	return w.tgUser(a.id, a), nil
}

// announceName pushes updateUserName about a to its other sessions and to the people with a
// private chat with it.
func (w *World) announceName(key KeyID, a *account) {
	var names []tg.Username
	if a.username != "" {
		names = []tg.Username{{Editable: true, Active: true, Username: a.username}}
	}
	u := &tg.UpdateShort{Update: &tg.UpdateUserName{
		UserID: a.id, FirstName: a.firstName, LastName: a.lastName, Usernames: names,
	}, Date: w.now()}
	w.push(a.id, key, u)
	for p := range a.box.dialogs {
		if other := w.users[p.ID]; p.Kind == PeerUser && other != nil && other.id != a.id {
			w.push(other.id, key, u)
		}
	}
}

// UpdateUsername answers account.updateUsername: "" removes the username.
func (w *World) UpdateUsername(key KeyID, username string) (*tg.User, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(username, a.username) {
		if username == a.username {
			return nil, errUsernameNotModified
		}
	} else if err := w.checkUsernameFree(username); err != nil {
		return nil, err
	}
	if a.username != "" {
		delete(w.byUsername, strings.ToLower(a.username))
	}
	a.username = ""
	w.setUsername(a, username)
	w.announceName(key, a)
	return w.tgUser(a.id, a), nil
}

// UpdateEmojiStatus answers account.updateEmojiStatus (premium people only).
func (w *World) UpdateEmojiStatus(key KeyID, s tg.EmojiStatusClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	if !a.premium {
		return rpcErr(403, "PREMIUM_ACCOUNT_REQUIRED")
	}
	switch s.(type) {
	case *tg.EmojiStatusEmpty, nil:
		a.emojiStatus = nil
	default:
		a.emojiStatus = s
	}
	return nil
}

// UploadProfilePhoto answers photos.uploadProfilePhoto: an uploaded photo, or an uploaded
// video (then the photo is its first frame; the test server stores the video's bytes),
// becomes the account's current profile photo.
func (w *World) UploadProfilePhoto(key KeyID, photo, video tg.InputFileClass) (*tg.PhotosPhoto, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	in, isVideo := photo, false
	if video != nil {
		in, isVideo = video, true
	}
	if in == nil {
		return nil, errPhotoInvalid
	}
	data, _, err := w.assemble(a, in)
	if err != nil {
		return nil, err
	}
	f, err := w.newFile(a.dc, data, true, "image/jpeg", nil)
	if err != nil {
		return nil, err
	}
	p := &profilePhoto{file: f, video: isVideo}
	a.photos = append([]*profilePhoto{p}, a.photos...)
	var r refs
	r.add(UserPeer(a.id))
	users, _ := w.render(a.id, &r)
	return &tg.PhotosPhoto{Photo: p.tg(), Users: users}, nil
}

// UpdateProfilePhoto answers photos.updateProfilePhoto: one of the account's profile photos
// becomes the current one again (inputPhotoEmpty removes the current one).
func (w *World) UpdateProfilePhoto(key KeyID, in tg.InputPhotoClass) (*tg.PhotosPhoto, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	var r refs
	r.add(UserPeer(a.id))
	if _, ok := in.(*tg.InputPhotoEmpty); ok {
		if len(a.photos) > 0 {
			a.photos = a.photos[1:]
		}
		users, _ := w.render(a.id, &r)
		return &tg.PhotosPhoto{Photo: &tg.PhotoEmpty{}, Users: users}, nil
	}
	ip, ok := in.(*tg.InputPhoto)
	if !ok {
		return nil, errPhotoInvalid
	}
	i := slices.IndexFunc(a.photos, func(p *profilePhoto) bool {
		return p.file.id == ip.ID && p.file.accessHash == ip.AccessHash
	})
	if i < 0 {
		return nil, errPhotoInvalid
	}
	p := a.photos[i]
	a.photos = append([]*profilePhoto{p}, slices.Delete(a.photos, i, i+1)...)
	users, _ := w.render(a.id, &r)
	return &tg.PhotosPhoto{Photo: p.tg(), Users: users}, nil
}

// GetUserPhotos answers photos.getUserPhotos: the user's profile photos, newest first, from
// offset, at most limit; photos.photosSlice with the total when more remain.
func (w *World) GetUserPhotos(key KeyID, in tg.InputUserClass, offset int32, limit int32) (tg.PhotosPhotosClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	viewer, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	u, err := w.resolveUser(viewer, in)
	if err != nil {
		return nil, err
	}
	if offset < 0 {
		return nil, ErrOffsetInvalid
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	all := u.photos
	if _, blocked := u.blocked[viewer.id]; blocked || !w.allows(u, viewer, &tg.PrivacyKeyProfilePhoto{}) {
		all = nil
	}
	page := all[min(int(offset), len(all)):min(int(offset)+int(limit), len(all))]
	photos := make([]tg.PhotoClass, 0, len(page))
	for _, p := range page {
		photos = append(photos, p.tg())
	}
	var r refs
	r.add(UserPeer(u.id))
	users, _ := w.render(viewer.id, &r)
	if int(offset)+len(page) < len(all) {
		return &tg.PhotosPhotosSlice{Count: int32(len(all)), Photos: photos, Users: users}, nil
	}
	return &tg.PhotosPhotos{Photos: photos, Users: users}, nil
}

// DeletePhotos answers photos.deletePhotos: the ids of the account's profile photos that were
// deleted.
func (w *World) DeletePhotos(key KeyID, ids []tg.InputPhotoClass) ([]int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	deleted := []int64{}
	for _, in := range ids {
		ip, ok := in.(*tg.InputPhoto)
		if !ok {
			continue
		}
		i := slices.IndexFunc(a.photos, func(p *profilePhoto) bool {
			return p.file.id == ip.ID && p.file.accessHash == ip.AccessHash
		})
		if i < 0 {
			continue
		}
		a.photos = slices.Delete(a.photos, i, i+1)
		deleted = append(deleted, ip.ID)
	}
	return deleted, nil
}

// commonChats returns the groups and channels both a and b are in, ascending by peer id.
func (w *World) commonChats(a, b int64) []Peer {
	var out []Peer
	for id, c := range w.chats {
		_, inA := c.members[a]
		_, inB := c.members[b]
		if inA && inB {
			out = append(out, Peer{Kind: PeerChat, ID: id})
		}
	}
	for id, ch := range w.channels {
		if ch.members[a] != nil && ch.members[b] != nil {
			out = append(out, Peer{Kind: PeerChannel, ID: id})
		}
	}
	slices.SortFunc(out, func(x, y Peer) int { return cmp.Compare(x.ID, y.ID) })
	return out
}

// CommonChats answers messages.getCommonChats: chats with ids above maxID, at most limit.
func (w *World) CommonChats(key KeyID, in tg.InputUserClass, maxID int64, limit int32) (*tg.MessagesChats, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	u, err := w.resolveUser(a, in)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	var r refs
	for _, p := range w.commonChats(a.id, u.id) {
		if p.ID > maxID && len(r.order) < int(limit) {
			r.add(p)
		}
	}
	_, chats := w.render(a.id, &r)
	return &tg.MessagesChats{Chats: chats}, nil
}

// fillFullUser adds what users.getFullUser shows about a to viewer: bio, block, common chats,
// profile photo, and for bots their description, commands, menu button and default rights.
func (w *World) fillFullUser(viewer, a *account, full *tg.UserFull) {
	if a.about != "" && !a.bot {
		full.About = tl.Some(a.about)
	}
	_, full.Blocked = viewer.blocked[a.id]
	if viewer.id != a.id {
		full.CommonChatsCount = int32(len(w.commonChats(viewer.id, a.id)))
	}
	if _, blocked := a.blocked[viewer.id]; len(a.photos) > 0 && !blocked && w.allows(a, viewer, &tg.PrivacyKeyProfilePhoto{}) {
		full.ProfilePhoto = a.photos[0].tg()
	}
	if a.birthday != nil && w.allows(a, viewer, &tg.PrivacyKeyBirthday{}) {
		b := *a.birthday
		full.Birthday = &b
	}
	if ch := w.channels[a.personal]; a.personal != 0 && ch != nil {
		// the id and the channel's last post share one flag
		full.PersonalChannelID, full.PersonalChannelMessage = tl.Some(a.personal), tl.Some(ch.nextMsg)
	}
	if a.bot {
		w.fillBotInfo(viewer, a, full)
	}
}

var errBirthdayInvalid = rpcErr(400, "BIRTHDAY_INVALID")

// UpdateBirthday answers account.updateBirthday (nil removes it).
func (w *World) UpdateBirthday(key KeyID, b *tg.Birthday) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	if b != nil {
		days := [...]int32{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
		if b.Month < 1 || b.Month > 12 || b.Day < 1 || b.Day > days[b.Month-1] ||
			b.Year.Set && (b.Year.Value < 1900 || b.Year.Value > int32(w.cfg.Now().Year())) {
			return errBirthdayInvalid
		}
		c := *b
		b = &c
	}
	a.birthday = b
	return nil
}

// UpdatePersonalChannel answers account.updatePersonalChannel: a public channel the person
// owns shows on the profile (inputChannelEmpty removes it).
func (w *World) UpdatePersonalChannel(key KeyID, in tg.InputChannelClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	if _, ok := in.(*tg.InputChannelEmpty); ok || in == nil {
		a.personal = 0
		return nil
	}
	ch, err := w.resolveChannel(a, in)
	if err != nil {
		return err
	}
	if ch.creator != a.id || ch.megagroup {
		return ErrChannelInvalid
	}
	a.personal = ch.id
	return nil
}
