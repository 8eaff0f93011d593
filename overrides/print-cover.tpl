<div class="imap-print-cover">
  <h1>{{ config.site_name }}</h1>
  <p>{{ config.site_description }}</p>
  <p>Manual version {{ config.extra.manual_version | e }}.</p>
  <p>MDMA-assisted therapy is investigational in most jurisdictions. This manual covers the psychotherapy; it is
  not a medical protocol or a licence to practise.</p>
</div>
