// PocketBase hook files as PocketBase users write them, for the tests that load them.

/** PocketBase ≤ 0.22: top-level hooks with tags, routerAdd, require, $app.dao(), error classes, return false. */
export const classicFiles: Record<string, string> = {
  'utils.js': `
module.exports = {
  slugify: (text) => String(text).toLowerCase().trim().replace(/[^a-z0-9]+/g, "-"),
}
`,
  'main.pb.js': `
/// <reference path="../pb_data/types.d.ts" />

onRecordBeforeCreateRequest((e) => {
  const { slugify } = require(\`\${__hooks}/utils.js\`)
  const title = e.record.get("title")
  if (title === "forbidden") {
    throw new BadRequestError("This title is not allowed.", { title: { code: "forbidden", message: "Pick another title." } })
  }
  e.record.set("slug", slugify(title))
}, "posts")

onRecordBeforeCreateRequest((e) => {
  e.record.set("slug", "not-for-posts")
}, "others")

onRecordAfterCreateRequest((e) => {
  const audit = $app.dao().findCollectionByNameOrId("audit")
  const entry = new Record(audit)
  entry.set("message", "created " + e.record.get("slug"))
  return $app.dao().saveRecord(entry)
}, "posts")

onRecordBeforeUpdateRequest((e) => {
  if (e.record.get("title") === "frozen") return false
}, "posts")

onRecordBeforeUpdateRequest((e) => {
  const { slugify } = require(\`\${__hooks}/utils.js\`)
  e.record.set("slug", slugify(e.record.get("title")))
}, "posts")

onRecordBeforeDeleteRequest((e) => {
  if (e.record.get("title") === "keep") throw new ForbiddenError("This post stays.")
}, "posts")
`,
  'routes.pb.js': `
routerUse((next) => (c) => {
  c.set("via", "routerUse")
  return next(c)
})

routerAdd("GET", "/hello/:name", (c) => {
  return c.json(200, { message: "Hello " + c.pathParam("name"), loud: c.queryParam("loud") === "1", via: c.get("via") })
})

routerAdd("POST", "/api/posts/:slug/like", async (c) => {
  const post = await $app.dao().findFirstRecordByData("posts", "slug", c.pathParam("slug"))
  const data = c.bind({ by: "nobody" })
  post.set("likes", (post.get("likes") || 0) + 1)
  await $app.dao().saveRecord(post)
  return c.json(200, { likes: post.get("likes"), by: data.by, nonce: $security.randomString(12).length })
}, $apis.requireAdminAuth())

routerAdd("GET", "/api/search", async (c) => {
  const found = await $app.dao().findRecordsByFilter("posts", "title ~ {:q}", "title", 10, 0, { q: c.queryParam("q") })
  return c.json(200, found.map((record) => record.get("title")))
})

routerAdd("DELETE", "/api/posts/:id/remove", async (c) => {
  const post = await $app.dao().findRecordById("posts", c.pathParam("id"))
  await $app.dao().deleteRecord(post)
  return c.noContent(204)
})

routerAdd("GET", "/api/missing", () => {
  throw new NotFoundError("Nothing here.")
})

routerAdd("GET", "/api/greeting", (c) => c.string(200, $os.getenv("PB_HOOKS_GREETING")))

cronAdd("tidy", "0 3 * * *", () => {})
`,
};

/** PocketBase ≥ 0.23: e.next(), the new names, onBootstrap. */
export const nextFiles: Record<string, string> = {
  'node_modules/greeter/package.json': '{ "name": "greeter", "main": "index.js" }',
  'node_modules/greeter/index.js': 'exports.greet = (name) => "Hello, " + name',
  'next.pb.js': `
import { greet } from "greeter"

let bootstrapped = false

onBootstrap((e) => {
  e.next()
  bootstrapped = true
})

onRecordCreateRequest(async (e) => {
  const title = e.record.get("title")
  if (title === "") throw new BadRequestError("A note needs a title.")
  e.record.set("title", title.trim())
  await e.next()
  // the committed record
  await $app.dao().saveRecord(new Record("audit", { message: "committed " + e.record.id }))
}, "notes")

onRecordAfterCreateSuccess((e) => {
  e.next()
  return $app.dao().saveRecord(new Record("audit", { message: "success " + e.record.get("title") }))
}, "notes")

// without e.next() the write does not take place: the request answers with what the handler wrote
onRecordCreateRequest((e) => {
  const title = e.record.get("title")
  if (title === "silent") return
  if (title === "answered") return e.json(202, { answered: true })
  return e.next()
}, "skips")

onRecordUpdateRequest((e) => {
  if (e.record.get("title") === "ignored") return e.string(409, "not changed")
  return e.next()
}, "skips")

onRecordDeleteRequest(async (e) => {
  if (e.record.get("title") === "keep") return
  await e.next()
}, "skips")

// before the built-in validation of a create or an update of a record
onRecordValidate((e) => {
  const title = e.record.get("title")
  if (title === "invalid") {
    throw new BadRequestError("Validation refused.", { title: { code: "refused", message: "Not this title." } })
  }
  if (title === "tidy") e.record.set("slug", "tidied")
  return e.next()
}, "checks")

onModelBeforeDelete((e) => {
  if (e.model.get("title") === "undeletable") throw new BadRequestError("This one stays.")
}, "checks")

// writes that failed after their request hooks, once rolled back
onRecordAfterCreateError((e) => {
  e.next()
  return $app.dao().saveRecord(new Record("audit", { message: "create failed " + e.record.get("title") + ": " + e.error.message }))
}, "checks")

onRecordAfterUpdateError((e) => {
  e.next()
  return $app.dao().saveRecord(new Record("audit", { message: "update failed " + e.record.get("title") }))
}, "checks")

onRecordAfterDeleteError((e) => {
  e.next()
  return $app.dao().saveRecord(new Record("audit", { message: "delete failed " + e.record.get("title") }))
}, "checks")

// every record sent to a client
onRecordEnrich((e) => {
  e.record.hide("slug")
  e.record.set("shout", String(e.record.get("title")).toUpperCase())
  return e.next()
}, "checks")

onBatchRequest(async (e) => {
  e.batch = e.batch.filter((request) => request.body.title !== "dropped")
  await e.next()
  await $app.dao().saveRecord(new Record("audit", { message: "batch ran " + e.results.length }))
})

onServe((e) => {
  e.router.get("/api/served", (c) => c.json(200, { served: true, via: c.get("via") }))
  e.next()
})

routerAdd("GET", "/api/booted", (e) => e.json(200, { bootstrapped, app: typeof e.request.pathValue, greeting: greet("npm") }))

routerAdd("GET", "/api/notes/{id}", (e) => {
  const note = $app.findRecordById("notes", e.request.pathValue("id"))
  const copy = new Record($app.findCollectionByNameOrId("notes"), { title: note.getString("title") + " (copy)" })
  $app.save(copy)
  return e.json(200, { title: note.getString("title"), copy: copy.id })
})
`,
};

/**
 * Hook files written for PocketBase's synchronous engine: the dao and `$http.send` called without
 * `await`, their results used at once.
 */
export const syncFiles: Record<string, string> = {
  'comments.pb.js': `
/// <reference path="../pb_data/types.d.ts" />

onRecordBeforeCreateRequest((e) => {
  const article = $app.dao().findRecordById("articles", e.record.get("article"))
  if (article.getBool("locked")) {
    throw new BadRequestError("The article is locked.")
  }
  if (e.record.get("text") === "side write fails") {
    // a delivery needs a message: this save fails, and the comment with it
    $app.dao().saveRecord(new Record($app.dao().findCollectionByNameOrId("deliveries")))
  }
}, "comments")

onRecordAfterCreateRequest((e) => {
  const article = $app.dao().findRecordById("articles", e.record.get("article"))
  article.set("comments", article.getInt("comments") + 1)
  $app.dao().saveRecord(article)
  const seen = $app.dao().findRecordById("articles", article.id).getInt("comments")

  const res = $http.send({
    url: $os.getenv("RECEIVER_URL") + "/comments",
    method: "POST",
    body: JSON.stringify({
      article: article.id,
      comments: article.getInt("comments"),
      tags: article.get("tags"),
      color: article.get("meta").color,
    }),
    headers: { "content-type": "application/json" },
    timeout: 5,
  })
  console.log(res.statusCode, res.json)

  const delivery = new Record($app.dao().findCollectionByNameOrId("deliveries"))
  delivery.set("message", [
    res.statusCode,
    res.json.received.comments,
    res.headers["X-Receiver"][0],
    res.cookies.session.value,
    "read after save " + seen,
  ].join(" "))
  $app.dao().saveRecord(delivery)
}, "comments")

routerAdd("GET", "/api/articles/:id/summary", (c) => {
  const article = $app.dao().findRecordById("articles", c.pathParam("id"))
  const tagged = $app.dao().findRecordsByFilter("articles", "tags ~ {:tag}", "-comments", 10, 0, { tag: "news" })
  return c.json(200, {
    title: article.getString("title"),
    comments: article.getInt("comments"),
    locked: article.getBool("locked"),
    tags: article.get("tags"),
    color: article.get("meta").color,
    tagged: tagged.map((record) => record.getString("title")),
  })
})

routerAdd("POST", "/api/articles/:id/archive", (c) => {
  const article = $app.dao().findRecordById("articles", c.pathParam("id"))
  const copy = new Record($app.dao().findCollectionByNameOrId("articles"))
  copy.set("title", article.getString("title") + " (archived)")
  $app.dao().saveRecord(copy)
  $app.dao().deleteRecord(article)
  return c.json(200, { archived: copy.id })
})

routerAdd("POST", "/api/articles/:id/touch", (c) => {
  const article = $app.dao().findRecordById("articles", c.pathParam("id"))
  article.set("comments", article.getInt("comments") + 10)
  $app.dao().saveRecord(article)
  c.json(200, { comments: article.getInt("comments") })
})

routerAdd("POST", "/api/deliveries/empty", (c) => {
  $app.dao().saveRecord(new Record($app.dao().findCollectionByNameOrId("deliveries")))
  return c.json(200, { saved: true })
})
`,
};
