//! Parts of a view drawn in a later task than the view around them: a large trace's waterfall and
//! service map are each built after the browser has painted what came before (the summary, the
//! bottlenecks and the statistics), so no single task builds the whole trace view.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::offload::slices;

/// Renders `children` once the current task has ended (one zero-delay timer later). Two `Later`s
/// in one view render in two separate tasks, in order.
#[component]
pub fn Later(children: ChildrenFn) -> impl IntoView {
    let ready = RwSignal::new(false);
    spawn_local(async move {
        slices::yield_now().await;
        let _ = ready.try_set(true);
    });
    view! { <Show when=move || ready.get()>{children()}</Show> }
}
