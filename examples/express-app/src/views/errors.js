import { html } from "../html.js";
import { layout } from "./layout.js";

/** @import { View } from "./layout.js" */

/**
 * The page of a refused request: the button was hidden, and the server refuses anyway.
 * @param {View} view
 * @param {string} message
 */
export function forbiddenPage(view, message) {
  return layout(view, {
    title: "Not allowed",
    body: html`<h1>403 · Not allowed</h1>
<p class="lead">Your roles do not allow this.</p>
<div class="errors" role="alert">${message}</div>
<p><a href="/account">Back to your account</a></p>`,
  });
}

/**
 * @param {View} view
 * @param {string} [message]
 */
export function notFoundPage(view, message = "There is nothing here.") {
  return layout(view, {
    title: "Not found",
    body: html`<h1>404 · Not found</h1><p class="lead">${message}</p><p><a href="/account">Back to your account</a></p>`,
  });
}

/**
 * @param {View} view
 * @param {string} message
 */
export function errorPage(view, message) {
  return layout(view, {
    title: "Something went wrong",
    body: html`<h1>Something went wrong</h1><div class="errors" role="alert">${message}</div><p><a href="/">Start again</a></p>`,
  });
}
