/* pelican-likes: live counts, and a toggle in place of each widget's form. Nothing is stored
 * before a reader's first like (then a random token and the liked slugs, in localStorage). */
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

  // Kept at once: a reader who leaves before the answer can still take the like back.
  function token() {
    if (!saved.token) {
      var bytes = crypto.getRandomValues(new Uint8Array(24));
      saved.token = btoa(String.fromCharCode.apply(null, bytes))
        .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      persist();
    }
    return saved.token;
  }

  function json(response) {
    if (!response.ok) throw response;
    return response.json();
  }

  function widgetOf(root) {
    var lang = root.lang || [];
    return {
      root: root,
      button: root.querySelector(".likes-button"),
      count: root.querySelector(".likes-count"),
      texts: JSON.parse(root.getAttribute("data-likes-texts") || "{}"),
      hide: +root.getAttribute("data-likes-hide-below"),
      // Digits as the build writes them (plugin/texts.py).
      digits: new Intl.NumberFormat(lang, { numberingSystem: "latn", useGrouping: "always" }),
      plural: new Intl.PluralRules(lang),
    };
  }

  function render(article) {
    var n = article.count;
    article.widgets.forEach(function (w) {
      var shown = w.digits.format(n), labels = w.texts.label || {};
      var label = labels[w.plural.select(n)] || labels.other;
      w.root.setAttribute("data-likes-count", n);
      w.root.classList.toggle("likes--liked", article.liked);
      w.count.textContent = shown;
      w.count.hidden = n < w.hide;
      w.button.setAttribute("aria-pressed", article.liked ? "true" : "false");
      // Under LIKES_HIDE_BELOW, a name without the count.
      label = w.count.hidden ? w.texts.action : label && label.replace("{count}", shown);
      if (label) w.button.setAttribute("aria-label", label);
    });
  }

  function say(article, name) {
    article.widgets.forEach(function (w) {
      var status = w.root.querySelector(".likes-status");
      if (status) status.textContent = (name && w.texts[name]) || "";
    });
  }

  // From a click until its answer is kept.
  function busy(article, on) {
    article.busy = on;
    article.widgets.forEach(function (w) { w.root.setAttribute("aria-busy", on); });
  }

  function send(slug, article) {
    busy(article, true);
    fetch(article.api + "/articles/" + encodeURIComponent(slug) + "/like", {
      method: article.wanted ? "PUT" : "DELETE",
      headers: { "Likes-Voter": token() },
    }).then(json).then(function (state) {
      article.confirmed = { liked: state.liked, count: state.likes + article.social };
      article.fresh = true;
      if (state.liked) saved.liked[slug] = { count: article.confirmed.count, at: Date.now() };
      else delete saved.liked[slug];
      persist();
      settle(slug, article);
    }, function (e) {
      article.wanted = article.confirmed.liked;
      settle(slug, article);
      say(article, "error");
      // The daily cap's refusal (api/errors.py) is told apart by its problem type.
      if (e.status == 429) e.json().then(function (p) {
        if (/daily-limit$/.test(p.type)) say(article, "limit");
      }, function () { /* not the API's answer: the error stays */ });
    });
  }

  // After an answer: send the reader's latest wish if it changed meanwhile, else show the truth.
  function settle(slug, article) {
    if (article.wanted !== article.confirmed.liked) return send(slug, article);
    busy(article, false);
    article.liked = article.confirmed.liked;
    article.count = article.confirmed.count;
    render(article);
  }

  function toggle(slug) {
    var article = articles[slug];
    article.liked = !article.liked;
    article.count = Math.max(0, article.count + (article.liked ? 1 : -1));
    article.wanted = article.liked;
    say(article);
    render(article);
    if (!article.busy) send(slug, article);
  }

  // A count from the batched read, unless this page has since heard fresher from a write.
  function live(slug, count) {
    var article = articles[slug];
    if (article.busy || article.fresh) return;
    count += article.social;
    var own = saved.liked[slug];
    if (own && Date.now() - own.at < TRUST_OWN_MS) count = Math.max(count, own.count);
    article.count = count;
    article.confirmed = { liked: article.liked, count: count };
    render(article);
  }

  function refresh(api, slugs) {
    var query = slugs.map(function (s) { return "slug=" + encodeURIComponent(s); }).join("&");
    fetch(api + "/likes?" + query).then(json).then(function (body) {
      slugs.forEach(function (slug) {
        if (typeof body.likes[slug] === "number") live(slug, body.likes[slug]);
      });
    }, function () { /* API unreachable: the baked counts stay */ });
  }

  var byApi = map();
  document.querySelectorAll(".likes[data-likes-slug]").forEach(function (root) {
    var slug = root.getAttribute("data-likes-slug");
    var article = articles[slug];
    var widget = widgetOf(root);
    if (!article) {
      var count = parseInt(root.getAttribute("data-likes-count"), 10) || 0;
      var api = (root.getAttribute("data-likes-api") || "/api").replace(/\/+$/, "");
      article = articles[slug] = { widgets: [], api: api, liked: !!saved.liked[slug], count: count };
      // LIKES_SOCIAL_DISPLAY = "sum": the baked social likes, added to the API's counts.
      article.social = +root.getAttribute("data-likes-social");
      article.wanted = article.liked;
      article.confirmed = { liked: article.liked, count: count };
      (byApi[api] = byApi[api] || []).push(slug);
    }
    article.widgets.push(widget);
    widget.button.addEventListener("click", function (e) { e.preventDefault(); toggle(slug); });
  });
  Object.keys(articles).forEach(function (slug) { render(articles[slug]); });
  Object.keys(byApi).forEach(function (api) {
    for (var i = 0; i < byApi[api].length; i += 100) refresh(api, byApi[api].slice(i, i + 100));
  });
})();
