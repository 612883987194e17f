/* wijkmonitor's search worker: Material for MkDocs' own worker (lunr) for the pages of
 * text, and a plain word-prefix lookup for the pages indexed by their summary (search
 * mode "summary": area and gemeente pages, marked `summary: true` in the index).
 *
 * Why: lunr builds its whole index before it answers, and a national monitor has some
 * 16,600 area pages among about 80 pages of text. Building lunr's index for all of them
 * took 0.9-1.7 s in the worker of a throttled phone, and a one-letter prefix query 0.4-1.1 s
 * (README, "Search"). A reader looks for a neighbourhood by its name, code or gemeente:
 * a sorted word list answers that at once, while lunr keeps what it is good at for the
 * pages of text (Dutch stemming, stop words, ranking by term frequency).
 *
 * The page speaks to this worker as to Material's (messages 0 setup, 1 ready, 2 query,
 * 3 result). Material's worker runs nested in this one (its file name is given as
 * ?material=, by the theme override in main.html) and gets the pages of text. This
 * worker is ready as soon as its lookup is built; until lunr is ready too, a query is
 * answered from the lookup alone, and the last one again once lunr can answer it.
 *
 * Matching: the text is folded (accents dropped, lower case) and cut into words of
 * letters and digits; every word of the query must begin a word of the page's title or
 * summary. A title word scores 3 (4 when the whole word), a summary word 1 (2). Pages
 * whose every query word matched, one of them in the title, come before lunr's results
 * ("Centrum" finds the areas called Centrum first); other matches come after them.
 */
"use strict"

const SETUP = 0
const READY = 1
const QUERY = 2
const RESULT = 3

/* ----------------------------------------------------------------------------------
 * Text: folding, words, entities
 * ------------------------------------------------------------------------------- */

const WORD = /[\p{L}\p{N}]+/gu
const COMBINING = /\p{M}/gu
const UNIT = /&(?:#\d+|#x[0-9a-f]+|[a-z]+);|[\s\S]/giu // an entity or one character
const NAMED = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" }

/** What a word is compared by: no accents, lower case ("Súdwest" -> "sudwest"). */
function fold(text) {
  return text.normalize("NFD").replace(COMBINING, "").toLowerCase()
}

/** The character an entity of the index stands for (the entity itself if unknown). */
function decode(entity) {
  const name = entity.slice(1, -1)
  if (name[0] !== "#") return NAMED[name.toLowerCase()] ?? entity
  const code = name[1] === "x" || name[1] === "X"
    ? parseInt(name.slice(2), 16)
    : parseInt(name.slice(1), 10)
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
}

/** The folded words of a field of the index (HTML: tags dropped, entities decoded). */
function words(html) {
  const text = html.replace(/<[^>]*>/g, " ").replace(UNIT, u => u.length > 1 ? decode(u) : u)
  return fold(text).match(WORD) || []
}

/** The length of the longest of ``terms`` that ``word`` begins with (0: none). */
function longestTerm(word, terms) {
  let length = 0
  for (const term of terms)
    if (term.length > length && word.startsWith(term)) length = term.length
  return length
}

/** The field's HTML with the part of every word that a term begins marked (<mark>),
 * in the text between tags; the rest stays byte for byte as the index has it. */
function mark(html, terms) {
  return html.split(/(<[^>]*>)/).map((part, i) => i % 2 ? part : markText(part, terms)).join("")
}

function markText(raw, terms) {
  if (PLAIN.test(raw)) return markPlain(raw, terms) // most text: one unit per character
  const units = raw.match(UNIT)
  if (units === null) return raw
  const starts = [] // where each unit begins in the folded text
  let folded = ""
  for (const unit of units) {
    starts.push(folded.length)
    folded += unit.length > 1 ? fold(decode(unit)) : unit < "\x80" ? unit.toLowerCase() : fold(unit)
  }
  const open = new Set()
  const close = new Set()
  for (const word of folded.matchAll(WORD)) {
    const length = longestTerm(word[0], terms)
    if (!length) continue
    const end = word.index + length
    let first = lastAtMost(starts, word.index)
    let last = lastAtMost(starts, end - 1)
    while (last + 1 < units.length && starts[last + 1] < end) last++
    while (last + 1 < units.length && starts[last + 1] === end
      && fold(units[last + 1]) === "") last++ // a combining accent stays with its letter
    open.add(first)
    close.add(last)
  }
  if (!open.size) return raw
  let out = ""
  units.forEach((unit, u) => {
    if (open.has(u)) out += "<mark>"
    out += unit
    if (close.has(u)) out += "</mark>"
  })
  return out
}

const PLAIN = /^[^&\x80-\uffff]*$/ // ASCII without entities: folding keeps every offset
const ASCII_WORD = /[a-z0-9]+/g // WORD, in lower-case ASCII

function markPlain(raw, terms) {
  let out = ""
  let done = 0
  for (const word of raw.toLowerCase().matchAll(ASCII_WORD)) {
    const length = longestTerm(word[0], terms)
    if (!length) continue
    const end = word.index + length
    out += raw.slice(done, word.index) + "<mark>" + raw.slice(word.index, end) + "</mark>"
    done = end
  }
  return done ? out + raw.slice(done) : raw
}

/** The index of the last item of the sorted ``list`` that is at most ``value``. */
function lastAtMost(list, value) {
  let lo = 0
  let hi = list.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (list[mid] <= value) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** The index of the first item of the sorted ``list`` that is at least ``value``. */
function firstAtLeast(list, value) {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid] < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/* ----------------------------------------------------------------------------------
 * The lookup of the summary pages
 * ------------------------------------------------------------------------------- */

class Lookup {
  constructor(docs) {
    this.docs = docs
    const postings = new Map() // word -> [document << 1 | in the title]
    docs.forEach((doc, d) => {
      const seen = new Map()
      for (const word of words(doc.title || "")) seen.set(word, 1)
      for (const word of words(doc.text || "")) if (!seen.has(word)) seen.set(word, 0)
      for (const [word, inTitle] of seen) {
        let list = postings.get(word)
        if (list === undefined) postings.set(word, list = [])
        list.push(d << 1 | inTitle)
      }
    })
    this.words = [...postings.keys()].sort()
    this.postings = this.words.map(word => postings.get(word))
  }

  /** The query's terms and the matching documents as [document, score, first], best
   * first (then in the index's order). */
  search(query) {
    const terms = [...new Set(fold(query).match(WORD) || [])]
    const n = this.docs.length
    const score = new Uint16Array(n)
    const matched = new Uint8Array(n)
    const inTitle = new Uint8Array(n)
    for (const term of terms) {
      const best = new Uint8Array(n)
      for (let w = firstAtLeast(this.words, term);
        w < this.words.length && this.words[w].startsWith(term); w++) {
        const whole = this.words[w].length === term.length ? 1 : 0
        for (const posting of this.postings[w]) {
          const value = (posting & 1 ? 3 : 1) + whole
          const d = posting >> 1
          if (value > best[d]) best[d] = value
        }
      }
      for (let d = 0; d < n; d++)
        if (best[d]) {
          matched[d]++
          score[d] += best[d]
          if (best[d] >= 3) inTitle[d] = 1
        }
    }
    const found = []
    for (let d = 0; d < n; d++)
      if (matched[d])
        found.push([d, score[d], matched[d] === terms.length && inTitle[d] === 1])
    found.sort((a, b) => b[1] - a[1] || a[0] - b[0])
    return { terms, found }
  }

  /** Material's result item for a found document (``matched``: Material's terms). */
  item(d, score, terms, matched) {
    const doc = this.docs[d]
    const item = {
      location: doc.location,
      title: mark(doc.title || "", terms),
      text: mark(doc.text || "", terms),
      score,
      terms: matched,
    }
    if (doc.tags) item.tags = doc.tags
    return item
  }
}

/** One result: the summary pages matched in full before lunr's results, the others
 * after them; scores follow that order (Material's Enter opens the highest). */
function combine(lookup, query, lunr) {
  const { terms, found } = lookup.search(query)
  const groups = lunr.items || []
  let high = 0
  let low = Infinity
  for (const group of groups) {
    const top = Math.max(...group.map(item => item.score))
    high = Math.max(high, top)
    low = Math.min(low, top)
  }
  const most = 4 * terms.length + 1
  const matched = Object.fromEntries(terms.map(term => [term, true]))
  const before = []
  const after = []
  for (const [d, own, first] of found) {
    if (first) before.push([lookup.item(d, high + own, terms, matched)])
    else after.push([lookup.item(d, groups.length ? low * own / most : own, terms, matched)])
  }
  return { ...lunr, items: [...before, ...groups, ...after] }
}

/* ----------------------------------------------------------------------------------
 * Messages: from the page, to and from Material's worker
 * ------------------------------------------------------------------------------- */

const materialFile = new URL(self.location.href).searchParams.get("material") || ""
let lunr = null // Material's worker, started at once: it loads while the index downloads
if (!/^search\.[0-9a-f]+\.min\.js$/.test(materialFile))
  console.warn(`wijkmonitor-search: no Material search worker given (${materialFile})`)
else if (typeof Worker !== "function")
  console.warn("wijkmonitor-search: no nested workers here; pages of text are not searched")
else
  lunr = new Worker(materialFile) // relative to this file: the same folder as Material's

let lookup = new Lookup([])
let lunrReady = false
let latest = null // the last query
let partial = false // whether its answer lacked lunr's part
const answers = [] // resolvers of the queries Material's worker is answering, in order

function askLunr(query) {
  if (!lunrReady) return Promise.resolve(null)
  return new Promise(resolve => {
    answers.push(resolve)
    lunr.postMessage({ type: QUERY, data: query })
  })
}

async function answer(query) {
  const found = await askLunr(query)
  if (query === latest) partial = found === null && lunr !== null
  self.postMessage({ type: RESULT, data: combine(lookup, query, found ? found.data : {}) })
}

if (lunr !== null)
  lunr.addEventListener("message", ev => {
    if (ev.data.type === READY) {
      lunrReady = true
      if (partial) answer(latest) // now with the pages of text
    } else if (ev.data.type === RESULT) {
      answers.shift()(ev.data)
    }
  })

self.addEventListener("message", ev => {
  const message = ev.data
  switch (message.type) {
    case SETUP: {
      // The summary pages are looked up here at once; the others go to lunr, and
      // queries are answered from the lookup until lunr is ready, then again.
      const { config, docs, options } = message.data
      lookup = new Lookup(docs.filter(doc => doc.summary === true))
      const others = docs.filter(doc => doc.summary !== true)
      if (lunr !== null) lunr.postMessage({ type: SETUP, data: { config, docs: others, options } })
      self.postMessage({ type: READY })
      break
    }
    case QUERY:
      latest = message.data
      answer(latest)
      break
    default:
      throw new TypeError("Invalid message type")
  }
})
