// Loads Backprop Lab into every page of this mdBook (book.toml: additional-js). The lab is a
// copy of the built site in src/backprop-lab/ (mdBook copies it to book/backprop-lab/); this
// file sits at the book's root, so the lab is found from this script's own address, on a
// chapter at any depth. No module needed here: the element's script is imported, embed.js added.
(function () {
  var here = document.currentScript && document.currentScript.src;
  if (!here) return;
  var lab = new URL('backprop-lab/', here);
  import(new URL('backprop-lab.js', lab).href); // defines <backprop-lab>
  var embed = document.createElement('script');
  embed.src = new URL('embed.js', lab).href; // iframe sizes, links that drive the figures
  document.head.appendChild(embed);
})();
