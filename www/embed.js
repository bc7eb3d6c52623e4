// embed.js (dist/embed.js, a stable name): Backprop Lab figures on a host page — course notes,
// a book, a slide deck. A plain script, no module:
//
//   <script src="https://host/backprop-lab/embed.js" defer></script>
//
// 1. Sizes every <iframe data-backprop-lab> to fit its figure. The figure inside posts
//    {source: 'backprop-lab', type: 'resize', height} to its parent; its `ready` and `change`
//    (carrying `state`, the figure's query string) messages come out as DOM events on the
//    iframe, `backprop-lab-ready` and `backprop-lab-change` (detail {state}, bubbling), and
//    `change` also sets the iframe's data-state. Messages that are not objects from one of
//    those iframes with source 'backprop-lab' are ignored.
// 2. Links drive figures from the text, without a reload:
//      <a href="#fig1" data-backprop-lab-target="fig1" data-command="step" data-args="[3]">…</a>
//    runs `step(3)` on the element with id fig1: a <backprop-lab> element's method, or for an
//    iframe the message {source: 'backprop-lab', type: 'command', command, args}. data-args is
//    optional, a JSON array (set: data-args='["lr", "0.1"]'). Links added later work too.
// 3. In a Reveal.js deck, tells each <backprop-lab> element whether its slide is showing
//    (el.slideStart() / el.slideStop()). Iframes need nothing: Reveal itself posts them
//    'slide:start' and 'slide:stop'.
(function () {
  'use strict';
  if (window.backpropLabEmbed) return; // included twice
  window.backpropLabEmbed = true;

  var SOURCE = 'backprop-lab';
  var COMMANDS = ['forward', 'backward', 'step', 'reset', 'play', 'pause', 'set', 'export', 'open-lab'];
  var MAX_HEIGHT = 100000; // px; a larger height is not a figure's

  function warn(message) {
    console.warn('Backprop Lab embed.js: ' + message);
  }

  // --- 1. iframes: size, ready, change ------------------------------------------------------

  /** The iframe[data-backprop-lab] whose window is `win`, or null. */
  function frameOf(win) {
    if (!win) return null;
    var frames = document.querySelectorAll('iframe[data-backprop-lab]');
    for (var i = 0; i < frames.length; i++) if (frames[i].contentWindow === win) return frames[i];
    return null;
  }

  /** Sets the iframe's CSS height so that the page inside gets `height` px (border-box aware). */
  function fit(frame, height) {
    var css = getComputedStyle(frame);
    var extra = 0;
    if (css.boxSizing === 'border-box') {
      ['borderTopWidth', 'borderBottomWidth', 'paddingTop', 'paddingBottom'].forEach(function (k) {
        extra += parseFloat(css[k]) || 0;
      });
    }
    frame.style.height = Math.ceil(height + extra) + 'px';
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || data.source !== SOURCE) return;
    var frame = frameOf(event.source);
    if (!frame) return;
    var h = data.height;
    var sized = typeof h === 'number' && isFinite(h) && h >= 0 && h <= MAX_HEIGHT;
    if (data.type === 'resize') {
      if (sized) fit(frame, h);
    } else if (data.type === 'ready' || data.type === 'change') {
      if (sized) fit(frame, h); // `ready` may carry the first height too
      var state = typeof data.state === 'string' ? data.state : null;
      if (data.type === 'change' && state === null) return; // a change without its state
      if (state !== null) frame.setAttribute('data-state', state);
      frame.dispatchEvent(new CustomEvent('backprop-lab-' + data.type, {
        bubbles: true,
        detail: { state: state !== null ? state : frame.getAttribute('data-state') },
      }));
    }
  });

  // --- 2. links that run commands -----------------------------------------------------------

  /** The origin to post to `frame` with: its src's, or '*' when that has none (file:, about:). */
  function originOf(frame) {
    try {
      var origin = new URL(frame.getAttribute('src') || '', location.href).origin;
      return /^https?:/.test(origin) ? origin : '*';
    } catch (e) {
      return '*';
    }
  }

  function runCommand(link) {
    var id = link.getAttribute('data-backprop-lab-target');
    var command = link.getAttribute('data-command');
    if (COMMANDS.indexOf(command) < 0) {
      warn('unknown data-command "' + command + '"; the commands are ' + COMMANDS.join(', ') + '.');
      return;
    }
    var args = [];
    var raw = link.getAttribute('data-args');
    if (raw !== null && raw.trim() !== '') {
      try {
        args = JSON.parse(raw);
      } catch (e) {
        args = null;
      }
      if (!Array.isArray(args)) {
        warn('data-args must be a JSON array such as [3] or ["lr", "0.1"], got ' + raw + '.');
        return;
      }
    }
    var target = document.getElementById(id);
    if (!target) {
      warn('no element with id "' + id + '" (data-backprop-lab-target).');
    } else if (target.localName === 'iframe') {
      if (target.contentWindow) {
        target.contentWindow.postMessage(
          { source: SOURCE, type: 'command', command: command, args: args },
          originOf(target));
      }
    } else if (target.localName === 'backprop-lab') {
      // The element may still be loading (its module fetches the WebAssembly first).
      customElements.whenDefined('backprop-lab').then(function () {
        if (typeof target[command] !== 'function') {
          warn('this <backprop-lab> has no ' + command + '() method.');
          return;
        }
        try {
          target[command].apply(target, args);
        } catch (e) {
          warn(command + '(): ' + (e && e.message ? e.message : e)); // e.g. a bad data-args
        }
      });
    } else {
      warn('#' + id + ' is neither a <backprop-lab> element nor an iframe.');
    }
  }

  // One listener on the document: links added later are handled too.
  document.addEventListener('click', function (event) {
    var start = event.target;
    if (!start || typeof start.closest !== 'function') return;
    var link = start.closest('[data-backprop-lab-target][data-command]');
    if (!link) return;
    event.preventDefault(); // a command, not a navigation
    runCommand(link);
  });

  // --- 3. Reveal.js -------------------------------------------------------------------------

  var onSlide = new WeakMap(); // element → whether it was last told its slide is showing

  /** slideStart() on the figures in `current` (the slide showing), slideStop() on the others. */
  function syncSlides(current) {
    var figures = document.querySelectorAll('.reveal .slides backprop-lab');
    for (var i = 0; i < figures.length; i++) {
      var el = figures[i];
      var showing = !!current && current.contains(el);
      var method = showing ? el.slideStart : el.slideStop;
      if (onSlide.get(el) === showing || typeof method !== 'function') continue;
      onSlide.set(el, showing);
      method.call(el);
    }
  }

  function hookReveal() {
    var deck = window.Reveal;
    if (!deck || typeof deck.on !== 'function') return false;
    var sync = function (event) {
      syncSlides(event && event.currentSlide ? event.currentSlide : deck.getCurrentSlide());
    };
    deck.on('ready', sync); // before Reveal.initialize() these calls are queued by Reveal
    deck.on('slidechanged', sync);
    var ready = function () {
      return typeof deck.isReady === 'function' && deck.isReady();
    };
    if (ready()) sync();
    // Elements are upgraded once backprop-lab.js has loaded, maybe after the deck's ready.
    if (window.customElements) {
      customElements.whenDefined('backprop-lab').then(function () {
        if (ready()) sync();
      });
    }
    return true;
  }

  if (!hookReveal()) window.addEventListener('load', hookReveal, { once: true });
})();
