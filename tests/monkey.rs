//! A UI monkey: the real app, headless, under thousands of random pointer and key events from
//! a seeded generator. Nothing may panic and every event must produce a frame (a hang would
//! stop the test). The same seed replays the same session, so a failure can be reproduced.
#![cfg(feature = "gui")]

use egui::{Event, Key, Modifiers, PointerButton, Pos2, Vec2};
use egui_kittest::Harness;
use losscape::app::LosscapeApp;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Events per scene; each is its own frame (a key with modifiers takes three).
const EVENTS: [usize; 2] = [1200, 800];
const SIZE: Vec2 = egui::vec2(1280.0, 800.0);

const KEYS: &[Key] = &[
    Key::Space,
    Key::ArrowLeft,
    Key::ArrowRight,
    Key::ArrowUp,
    Key::ArrowDown,
    Key::Home,
    Key::End,
    Key::R,
    Key::G,
    Key::L,
    Key::F1,
    Key::F11,
    Key::Escape,
    Key::Tab,
    Key::Enter,
    Key::Backspace,
    Key::Delete,
    Key::Num0,
    Key::Num9,
    Key::Minus,
    Key::Plus,
    Key::O,
    Key::S,
    Key::E,
    Key::Questionmark,
];

fn random_event(rng: &mut StdRng, pointer: &mut Pos2, down: &mut bool) -> (Event, Modifiers) {
    let mut pos = || Pos2::new(rng.random_range(0.0..SIZE.x), rng.random_range(0.0..SIZE.y));
    let p = pos();
    let none = Modifiers::NONE;
    match rng.random_range(0..100) {
        // mostly moves and clicks, as a person exploring would
        0..=29 => {
            *pointer = p;
            (Event::PointerMoved(p), none)
        }
        30..=54 => {
            *down = !*down;
            let button = if rng.random_bool(0.9) {
                PointerButton::Primary
            } else {
                PointerButton::Secondary
            };
            let e = Event::PointerButton {
                pos: *pointer,
                button,
                pressed: *down,
                modifiers: none,
            };
            (e, none)
        }
        55..=64 => {
            // a drag step: small moves while the button may be held
            let d = Vec2::new(rng.random_range(-40.0..40.0), rng.random_range(-40.0..40.0));
            *pointer = (*pointer + d).clamp(Pos2::ZERO, SIZE.to_pos2());
            (Event::PointerMoved(*pointer), none)
        }
        65..=74 => {
            let delta = Vec2::new(0.0, rng.random_range(-300.0..300.0));
            let e = Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta,
                phase: egui::TouchPhase::Move,
                modifiers: none,
                source: egui::MouseWheelSource::Wheel,
            };
            (e, none)
        }
        75..=96 => {
            let key = KEYS[rng.random_range(0..KEYS.len())];
            let modifiers = match rng.random_range(0..10) {
                0 => Modifiers::COMMAND,
                1 => Modifiers::COMMAND | Modifiers::SHIFT,
                2 => Modifiers::SHIFT,
                _ => none,
            };
            let pressed = rng.random_bool(0.6);
            let e = Event::Key {
                key,
                physical_key: None,
                pressed,
                repeat: false,
                modifiers,
            };
            (e, modifiers)
        }
        _ => {
            let text: String = (0..rng.random_range(1..4))
                .map(|_| rng.random_range(b' '..=b'~') as char)
                .collect();
            (Event::Text(text), none)
        }
    }
}

#[test]
fn thousands_of_random_events_never_crash_or_stall_the_app() {
    // file prompts default to the working folder: a random "Save" must not write into the
    // source tree (this test is alone in its binary, so moving is safe)
    let dir = tempfile::tempdir().expect("dir");
    std::env::set_current_dir(dir.path()).expect("cd");

    for ((seed, scene), events) in [(19, "rosenbrock-race"), (20, "sgd-decay")]
        .into_iter()
        .zip(EVENTS)
    {
        let mut app = LosscapeApp::new(losscape::scene::builtin(scene).expect("builtin"));
        app.files.prompt_only = true;
        app.screenshot_dir = Some(dir.path().to_path_buf());
        let mut h = Harness::builder()
            .with_size(SIZE)
            .build_ui_state(|ui, app: &mut LosscapeApp| app.show(ui), app);
        let mut rng = StdRng::seed_from_u64(seed);
        let mut pointer = Pos2::new(600.0, 400.0);
        let mut down = false;
        let mut frames = h.ctx.cumulative_frame_nr();
        for i in 0..events {
            let (event, modifiers) = random_event(&mut rng, &mut pointer, &mut down);
            if modifiers.is_none() {
                h.event(event);
            } else {
                // modifiers down, the key, modifiers up: three frames
                h.event_modifiers(event, modifiers);
            }
            h.step();
            let now = h.ctx.cumulative_frame_nr();
            assert!(now > frames, "{scene}, event {i}: no frame");
            frames = now;
            let s = &h.state().session;
            assert!(s.clock.step <= s.last_step(), "{scene}, event {i}");
        }
        // the app still answers: a key toggles the animation in the next frame
        h.event(Event::PointerMoved(Pos2::new(SIZE.x * 0.6, SIZE.y * 0.5)));
        h.step();
        let playing = h.state().session.clock.playing;
        h.key_press(Key::Space);
        h.step();
        if h.state().session.notice.is_none() && !h.ctx.egui_wants_keyboard_input() {
            assert_ne!(h.state().session.clock.playing, playing, "{scene}");
        }
    }
}
