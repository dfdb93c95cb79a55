//! The avatar seen from the router: `i` (or, with `[tui] avatars = true`, the opening of a
//! profile) asks the runtime for `Effect::LoadAvatar`; `Message::AvatarLoaded` fills the box.
//! One fetch per profile and URL: the slot lives in the profile's state, so a watch refresh
//! that sends the same URL keeps the picture, and a new URL is loaded afresh (on `i`, or at
//! once with the switch on). Nothing else ever fetches an image.

use crate::tui::avatar::{AvatarSlot, AvatarState, Picture};
use crate::tui::message::Effect;
use crate::tui::screens::Screen;
use crate::tui::screens::profile::ProfileState;

use super::App;

/// The picture URL the profile's vendor sends, if any (Coho sends none).
pub fn avatar_url(state: &ProfileState) -> Option<String> {
    let outcome = &state.view.outcome;
    outcome
        .vendor
        .adapter()
        .avatar_url(&outcome.profile)
        .filter(|url| !url.trim().is_empty())
}

/// The slot for the URL the profile sends now (a slot for an older URL is not shown).
pub fn current_avatar(state: &ProfileState) -> Option<&AvatarSlot> {
    let url = avatar_url(state)?;
    state.avatar.as_ref().filter(|slot| slot.url == url)
}

/// Start loading the profile's avatar unless it is loading or shown already; `None` when
/// there is no URL.
fn begin(state: &mut ProfileState) -> Option<Vec<Effect>> {
    let url = avatar_url(state)?;
    if let Some(slot) = &state.avatar
        && slot.url == url
        && !matches!(slot.state, AvatarState::Failed(_))
    {
        return Some(Vec::new());
    }
    state.avatar = Some(AvatarSlot {
        url: url.clone(),
        state: AvatarState::Loading,
    });
    Some(vec![Effect::LoadAvatar {
        url,
        vendor: state.view.outcome.vendor,
    }])
}

impl App {
    /// `i` on the profile in front: load its avatar (again, after a failure).
    pub(super) fn request_avatar(&mut self) -> Vec<Effect> {
        let Screen::Profile(p) = &mut self.screen else {
            return Vec::new();
        };
        match begin(p) {
            Some(effects) => effects,
            None => {
                self.notice = Some(format!(
                    "No avatar: {} sent no picture URL for this profile",
                    p.view.outcome.vendor.display_name()
                ));
                Vec::new()
            }
        }
    }

    /// After every message, with `[tui] avatars = true`: the avatar of the profile in front,
    /// once per URL (a failure is not retried on its own; `i` retries).
    pub(super) fn auto_avatar(&mut self) -> Vec<Effect> {
        if !self.avatar_setup.auto {
            return Vec::new();
        }
        let Screen::Profile(p) = &mut self.screen else {
            return Vec::new();
        };
        if p.view.loading.is_some() {
            return Vec::new();
        }
        let Some(url) = avatar_url(p) else {
            return Vec::new();
        };
        if p.avatar.as_ref().is_some_and(|slot| slot.url == url) {
            return Vec::new();
        }
        begin(p).unwrap_or_default()
    }

    /// The avatar task for `url` finished: fill the slot still waiting for it (a result for a
    /// profile or URL no longer shown is dropped).
    pub(super) fn on_avatar_loaded(&mut self, url: &str, result: Result<Picture, String>) {
        let Some(slot) = self
            .profile_state_mut()
            .and_then(|p| p.avatar.as_mut())
            .filter(|slot| slot.url == url && matches!(slot.state, AvatarState::Loading))
        else {
            return;
        };
        slot.state = match result {
            Ok(picture) => AvatarState::Shown(picture),
            Err(note) => AvatarState::Failed(note),
        };
    }
}
