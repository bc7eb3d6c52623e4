// The training view's data plane, for tests that click its points.

/** Where the point (x, y) of the plane is on the page, from the canvas's data-x0… (the domain)
 *  and data-plot (where it is drawn, in canvas pixels: left, top, right, bottom); `canvas` is a
 *  locator (the page's #t-boundary, or one inside a figure's shadow root). Scrolls it into view
 *  first, so the position can be clicked. */
export async function pointOn(canvas, x, y) {
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const [x0, x1, y0, y1] = (await Promise.all(['data-x0', 'data-x1', 'data-y0', 'data-y1'].map((a) => canvas.getAttribute(a)))).map(Number);
  const [left, top, right, bottom] = (await canvas.getAttribute('data-plot')).split(',').map(Number);
  const [w, h] = await canvas.evaluate((c) => [c.width, c.height]);
  const px = left + ((x - x0) / (x1 - x0)) * (right - left);
  const py = bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
  return { x: box.x + (px / w) * box.width, y: box.y + (py / h) * box.height };
}

/** The index of the point farthest from its nearest neighbour, so a click on it cannot hit
 *  another. */
export function loneliest(points) {
  const gap = (p) => Math.min(...points.filter((q) => q !== p).map((q) => Math.hypot(p.x - q.x, p.y - q.y)));
  let index = 0;
  points.forEach((p, i) => { if (gap(p) > gap(points[index])) index = i; });
  return index;
}
