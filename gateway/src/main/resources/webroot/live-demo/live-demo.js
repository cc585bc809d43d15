// An example client of Storycast's live stream: EventSource on GET /v1/live/{platform}/{subscriberId}, with the
// subscriber's token as the access_token query parameter (EventSource cannot send headers). EventSource reconnects on
// its own after a drop or a cut-off, sending the last event id as Last-Event-ID, and the gateway sends what was missed.
'use strict';

(() => {
  const status = document.getElementById('status');
  const lastEventId = document.getElementById('last-event-id');
  const stories = document.getElementById('stories');
  const form = document.getElementById('subscribe');
  let source = null;

  const show = (state, text) => {
    status.dataset.state = state;
    status.textContent = text;
  };

  const storyItem = (story) => {
    const item = document.createElement('li');
    item.dataset.storyId = story.storyId;
    item.dataset.sourcePlatform = story.sourcePlatform;
    const title = document.createElement('strong');
    title.textContent = story.caption || '(no caption)';
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `${story.authorId} on ${story.sourcePlatform} · ${story.media.kind} ${story.media.id} `
      + `(${story.media.platform} rendition) · ${story.createdAt} · expires ${story.expiresAt}`;
    item.append(title, meta);
    return item;
  };

  const connect = (platform, subscriber, token) => {
    if (source) {
      source.close();
    }
    const url = new URL(`../v1/live/${encodeURIComponent(platform)}/${encodeURIComponent(subscriber)}`, window.location.href);
    url.searchParams.set('access_token', token);
    show('connecting', `Connecting as ${subscriber} on ${platform}…`);
    source = new EventSource(url);
    source.onopen = () => show('open', `Connected as ${subscriber} on ${platform}: new stories appear below.`);
    source.onmessage = (event) => {
      lastEventId.dataset.id = event.lastEventId;
      lastEventId.textContent = `last event id: ${event.lastEventId}`;
      const story = JSON.parse(event.data);
      if (!stories.querySelector(`li[data-story-id="${CSS.escape(story.storyId)}"]`
          + `[data-source-platform="${CSS.escape(story.sourcePlatform)}"]`)) {
        stories.prepend(storyItem(story));
      }
    };
    source.addEventListener('retract', (event) => {
      const story = JSON.parse(event.data);
      const item = stories.querySelector(`li[data-story-id="${CSS.escape(story.storyId)}"]`
        + `[data-source-platform="${CSS.escape(story.sourcePlatform)}"]`);
      if (item) {
        item.classList.add('retracted');
        item.dataset.retracted = 'true';
      }
    });
    source.addEventListener('reconnect', (event) => {
      show('reconnecting', `The gateway asked to reconnect (${JSON.parse(event.data).reason}); reconnecting…`);
    });
    source.addEventListener('resync', () => {
      show('open', 'More stories were missed than were sent: read the tray for the rest.');
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        show('closed', 'Refused: check the token, the platform and the subscriber.');
      } else {
        show('error', 'Connection lost; reconnecting…');
      }
    };
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    connect(document.getElementById('platform').value, document.getElementById('subscriber').value,
      document.getElementById('token').value);
  });

  const fragment = new URLSearchParams(window.location.hash.slice(1));
  if (fragment.get('platform') && fragment.get('subscriber') && fragment.get('token')) {
    document.getElementById('platform').value = fragment.get('platform');
    document.getElementById('subscriber').value = fragment.get('subscriber');
    document.getElementById('token').value = fragment.get('token');
    connect(fragment.get('platform'), fragment.get('subscriber'), fragment.get('token'));
  }
})();
