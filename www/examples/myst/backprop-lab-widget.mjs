// An anywidget for MyST's {anywidget} directive: a Backprop Lab figure (<backprop-lab>) on the
// page. The directive's JSON body:
//   { "lab": "/backprop-lab/",                         the built site (dist/), served by this site
//     "attributes": { "preset": "circuit", ... } }    the figure's attributes (its URL keys)
// The lab must come from the same site (or a host that allows cross-origin module loads).
function render({ model, el }) {
  const lab = new URL(model.get('lab') || '/backprop-lab/', document.baseURI);
  const figure = document.createElement('backprop-lab');
  for (const [key, value] of Object.entries(model.get('attributes') || {})) figure.setAttribute(key, String(value));
  figure.style.display = 'block';
  el.appendChild(figure); // upgraded once backprop-lab.js has defined the element
  import(new URL('backprop-lab.js', lab).href).catch((err) => {
    figure.textContent = `Backprop Lab could not load from ${lab}: ${err.message}`;
  });
  return () => figure.remove();
}

export default { render };
