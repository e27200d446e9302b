"""The request edge shared by every domain: error handlers, the form-submit helper, uploads, the import flow, exports, home-page work lists."""
