/* pelican-likes: makes the baked-in counts live and the buttons work. Nothing is stored before a
 * reader's first like (then a random token and the liked slugs, in localStorage). */
(function () {
  "use strict";

  var KEY = "pelican-likes";
  // A reader's own click outranks a count a CDN cached before it, for this long.
  var TRUST_OWN_MS = 120000;
  var saved = load();
  var articles = map(); // slug -> {widgets, api, liked, count, busy, wanted}

  // Without a prototype, as a slug may be "constructor" or "__proto__".
  function map() { return Object.create(null); }

  function load() {
    try {
      var value = JSON.parse(localStorage.getItem(KEY));
      if (value && value.liked && typeof value.liked === "object") {
        value.liked = Object.assign(map(), value.liked);
        return value;
      }
    } catch (e) { /* unreadable or blocked: start empty */ }
    return { token: null, liked: map() };
  }

  function persist() {
    try { localStorage.setItem(KEY, JSON.stringify(saved)); } catch (e) { /* private mode */ }
  }

  function token() {
    if (!saved.token) {
      var bytes = crypto.getRandomValues(new Uint8Array(24));
      saved.token = btoa(String.fromCharCode.apply(null, bytes))
        .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    }
    return saved.token;
  }

  function render(article) {
    var n = article.count;
    var label = n + (n === 1 ? " like" : " likes") + ", like this article";
    article.widgets.forEach(function (widget) {
      var button = widget.querySelector(".likes-button");
      widget.setAttribute("data-likes-count", n);
      widget.classList.toggle("likes--liked", article.liked);
      widget.querySelector(".likes-count").textContent = n;
      button.setAttribute("aria-pressed", article.liked ? "true" : "false");
      button.setAttribute("aria-label", label);
    });
  }

  function say(article, text) {
    article.widgets.forEach(function (widget) {
      var status = widget.querySelector(".likes-status");
      if (status) status.textContent = text;
    });
  }

  function send(slug, article) {
    var liked = article.wanted;
    article.busy = true;
    fetch(article.api + "/articles/" + encodeURIComponent(slug) + "/like", {
      method: liked ? "PUT" : "DELETE",
      headers: { "Likes-Voter": token() },
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (state) {
      article.confirmed = { liked: state.liked, count: state.likes };
      article.fresh = true;
      if (state.liked) saved.liked[slug] = { count: state.likes, at: Date.now() };
      else delete saved.liked[slug];
      persist();
      settle(slug, article);
    }, function () {
      article.wanted = article.confirmed.liked;
      settle(slug, article);
      say(article, "Your like could not be saved. Please try again.");
    });
  }

  // After an answer: send the reader's latest wish if it changed meanwhile, else show the truth.
  function settle(slug, article) {
    article.busy = false;
    if (article.wanted !== article.confirmed.liked) return send(slug, article);
    article.liked = article.confirmed.liked;
    article.count = article.confirmed.count;
    render(article);
  }

  function toggle(slug) {
    var article = articles[slug];
    article.liked = !article.liked;
    article.count = Math.max(0, article.count + (article.liked ? 1 : -1));
    article.wanted = article.liked;
    say(article, "");
    render(article);
    if (!article.busy) send(slug, article);
  }

  // A count from the batched read, unless this page has since heard fresher from a write.
  function live(slug, count) {
    var article = articles[slug];
    if (article.busy || article.fresh) return;
    var own = saved.liked[slug];
    if (own && Date.now() - own.at < TRUST_OWN_MS) count = Math.max(count, own.count);
    article.count = count;
    article.confirmed = { liked: article.liked, count: count };
    render(article);
  }

  function refresh(api, slugs) {
    var query = slugs.map(function (s) { return "slug=" + encodeURIComponent(s); }).join("&");
    fetch(api + "/likes?" + query).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (body) {
      slugs.forEach(function (slug) {
        if (typeof body.likes[slug] === "number") live(slug, body.likes[slug]);
      });
    }, function () { /* API unreachable: the baked counts stay */ });
  }

  var byApi = map();
  document.querySelectorAll(".likes[data-likes-slug]").forEach(function (widget) {
    var slug = widget.getAttribute("data-likes-slug");
    var article = articles[slug];
    if (!article) {
      var count = parseInt(widget.getAttribute("data-likes-count"), 10) || 0;
      var api = (widget.getAttribute("data-likes-api") || "/api").replace(/\/+$/, "");
      article = articles[slug] = { widgets: [], api: api, liked: !!saved.liked[slug], count: count };
      article.wanted = article.liked;
      article.confirmed = { liked: article.liked, count: count };
      (byApi[api] = byApi[api] || []).push(slug);
    }
    article.widgets.push(widget);
    widget.querySelector(".likes-button").addEventListener("click", function () { toggle(slug); });
  });
  Object.keys(articles).forEach(function (slug) { render(articles[slug]); });
  Object.keys(byApi).forEach(function (api) {
    for (var i = 0; i < byApi[api].length; i += 100) refresh(api, byApi[api].slice(i, i + 100));
  });
})();
