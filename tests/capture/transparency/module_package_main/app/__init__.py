print('init of', __name__)
