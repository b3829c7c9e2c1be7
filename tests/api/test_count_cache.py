"""The per-worker count cache: entries answer without the database until their second ends."""

from pelican_likes.api.count_cache import CountCache


class Reads:
    """A stand-in for ``LikeStore.counts`` that remembers what it was asked."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.asked: list[list[str]] = []

    def __call__(self, slugs: list[str]) -> dict[str, int]:
        self.asked.append(list(slugs))
        return {slug: self.counts[slug] for slug in slugs if slug in self.counts}


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def test_fresh_counts_are_answered_without_reading_again():
    reads, clock = Reads({"a": 1, "b": 2}), Clock()
    cache = CountCache(ttl=1, clock=clock)

    assert cache.counts(["a", "b", "missing"], reads).counts == {"a": 1, "b": 2}
    clock.now += 0.9
    assert cache.counts(["a", "b", "missing"], reads).counts == {"a": 1, "b": 2}
    assert reads.asked == [["a", "b", "missing"]]


def test_only_expired_or_new_slugs_are_read():
    reads, clock = Reads({"a": 1, "b": 2}), Clock()
    cache = CountCache(ttl=1, clock=clock)
    cache.counts(["a"], reads)
    clock.now += 1.0
    reads.counts["a"] = 5

    assert cache.counts(["a", "b"], reads).counts == {"a": 5, "b": 2}
    assert reads.asked == [["a"], ["a", "b"]]


def test_counts_last_until_the_end_of_the_second_they_were_read_in():
    reads, clock = Reads({"a": 1, "b": 2}), Clock()
    cache = CountCache(ttl=1, clock=clock)
    clock.now = 100.75
    assert cache.counts(["a"], reads) == ({"a": 1}, 100.0)
    clock.now = 100.99
    assert cache.counts(["a", "b"], reads) == ({"a": 1, "b": 2}, 100.0)
    assert reads.asked == [["a"], ["b"]]

    clock.now = 101.0  # a quarter of a second after "a" was read: both read again
    assert cache.counts(["a", "b"], reads) == ({"a": 1, "b": 2}, 101.0)
    clock.now = 100.5  # the clock set back: no entry is of this second
    assert cache.counts(["a"], reads).read_since == 100.0
    assert reads.asked == [["a"], ["b"], ["a", "b"], ["a"]]


def test_without_a_cache_counts_are_as_old_as_the_request():
    clock = Clock()
    clock.now = 100.75

    assert CountCache(ttl=0, clock=clock).counts(["a"], Reads({"a": 1})) == ({"a": 1}, 100.75)


def test_a_write_replaces_the_cached_count():
    reads, clock = Reads({"a": 1}), Clock()
    cache = CountCache(ttl=1, clock=clock)
    cache.counts(["a"], reads)

    cache.update("a", 2)

    assert cache.counts(["a"], reads).counts == {"a": 2}
    assert reads.asked == [["a"]]


def test_no_ttl_means_no_cache():
    reads = Reads({"a": 1})
    cache = CountCache(ttl=0, clock=Clock())
    cache.update("a", 9)

    assert cache.counts(["a"], reads).counts == {"a": 1}
    assert cache.counts(["a"], reads).counts == {"a": 1}
    assert len(reads.asked) == 2


def test_past_its_bound_the_cache_starts_again_empty():
    reads = Reads({})
    cache = CountCache(ttl=60, clock=Clock(), max_entries=10)
    for n in range(10):
        cache.counts([f"slug-{n}"], reads)
    cache.counts(["slug-0"], reads)
    assert len(reads.asked) == 10  # all ten still cached

    cache.counts(["one-too-many"], reads)
    cache.counts(["slug-0"], reads)
    assert len(reads.asked) == 12  # the eleventh emptied the cache
